/**
 * Chinese names: family/given split that knows compound surnames, a simplified-Chinese folding (opencc-js:
 * 張偉 → 张伟) and pinyin (pinyin-pro: 张伟 → zhang + wei) for match keys.
 */
import * as OpenCC from "opencc-js";
import { pinyin } from "pinyin-pro";

/** Two-character surnames (复姓); checked before the one-character default. */
const COMPOUND_SURNAMES = new Set(
  (
    "欧阳 司马 诸葛 上官 皇甫 令狐 东方 独孤 慕容 尉迟 长孙 宇文 司徒 司空 公孙 轩辕 夏侯 西门 南宫 端木 " +
    "百里 呼延 澹台 公冶 太叔 申屠 闻人 赫连 濮阳 淳于 单于 钟离 宗政 公羊 万俟 仲孙 鲜于 闾丘 东郭 " +
    "梁丘 左丘 拓跋 第五 谷梁 乐正 漆雕 壤驷 公良 巫马 公西 颛孙 子车 微生 羊舌 段干 亓官 司寇 " +
    "歐陽 諸葛 皇甫 令狐 東方 獨孤 尉遲 長孫 夏侯 西門 南宮 聞人 赫連 鍾離 單于 鮮于 閭丘 東郭"
  ).split(" "),
);

const toSimplified = OpenCC.Converter({ from: "t", to: "cn" });

export function simplified(text: string): string {
  return toSimplified(text);
}

/** 欧阳娜娜 → [欧阳, 娜娜]; 张伟 → [张, 伟]; 阿依古丽·买买提 (given·family) → [买买提, 阿依古丽]. */
export function splitChineseName(name: string): { family: string; given: string } {
  const compact = name.replace(/\s+/g, "");
  const dot = compact.search(/[·•・]/);
  if (dot > 0) return { family: compact.slice(dot + 1), given: compact.slice(0, dot) };
  const two = compact.slice(0, 2);
  if (compact.length > 2 && (COMPOUND_SURNAMES.has(two) || COMPOUND_SURNAMES.has(simplified(two)))) {
    return { family: two, given: compact.slice(2) };
  }
  return { family: compact.slice(0, 1), given: compact.slice(1) };
}

/** Pinyin without tones, syllables joined: 欧阳 → ouyang, 晓东 → xiaodong (how people write them in Latin). */
export function pinyinWord(text: string, asSurname: boolean): string {
  return pinyin(simplified(text), { toneType: "none", type: "array", surname: asSurname ? "all" : "off", v: true })
    .join("")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}
