import { describe, expect, it } from "vitest";
import { xmlProblem } from "../helpers/xml.js";

describe("the XML check the JUnit tests use", () => {
  it("accepts escaped text and attributes", () => {
    expect(xmlProblem('<a b="1 &lt; 2 &amp; &#x41;">x &amp; y &lt; z</a>')).toBeUndefined();
  });

  it.each([
    ["& in text", "<a>x & y</a>"],
    ["< in text", "<a>x < y</a>"],
    ["& in an attribute", '<a b="&">t</a>'],
    ["< in an attribute", '<a b="1 < 2">t</a>'],
    ["U+FFFE", "<a>\uFFFE</a>"],
    ["a control character", "<a>\u0001</a>"],
    ["an unclosed tag", "<a><b></a>"],
  ])("rejects %s", (_what, xml) => {
    expect(xmlProblem(xml)).toEqual(expect.any(String));
  });
});
