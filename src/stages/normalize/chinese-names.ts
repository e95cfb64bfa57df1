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

/**
 * The commonest single-character surnames (about 100, some 85% of people in mainland China), simplified. A
 * given-name column holding 张伟 alone is a full name put in the wrong column; one holding 晓东 is a given name.
 */
const COMMON_SURNAMES = new Set(
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢",
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

/**
 * Whether a Chinese name written alone in a given-name column is a whole name (family name first): two to four
 * characters starting with a compound or common surname (張偉, 欧阳娜娜), or a name with a middle dot.
 */
export function looksLikeFullChineseName(name: string): boolean {
  const compact = name.replace(/\s+/g, "");
  if (/^[^·•・]+[·•・][^·•・]+$/.test(compact)) return true;
  const length = [...compact].length;
  if (length < 2 || length > 4) return false;
  const two = simplified(compact.slice(0, 2));
  return (length > 2 && COMPOUND_SURNAMES.has(two)) || COMMON_SURNAMES.has(simplified([...compact][0] as string));
}

/** Pinyin without tones, syllables joined: 欧阳 → ouyang, 晓东 → xiaodong (how people write them in Latin). */
export function pinyinWord(text: string, asSurname: boolean): string {
  return pinyin(simplified(text), { toneType: "none", type: "array", surname: asSurname ? "all" : "off", v: true })
    .join("")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}
