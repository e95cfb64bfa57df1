/**
 * The province-level divisions of China by the two-digit codes of GB/T 2260 (《中华人民共和国行政区划代码》),
 * which open every resident identity number (GB 11643-1999): the place where the number was first issued.
 * 34 entries: 23 provinces (Taiwan included, as the standard lists it), 5 autonomous regions, 4 municipalities
 * and the 2 special administrative regions.
 */
export const GB_T_2260_PROVINCES: Readonly<Record<string, string>> = {
  "11": "北京市",
  "12": "天津市",
  "13": "河北省",
  "14": "山西省",
  "15": "内蒙古自治区",
  "21": "辽宁省",
  "22": "吉林省",
  "23": "黑龙江省",
  "31": "上海市",
  "32": "江苏省",
  "33": "浙江省",
  "34": "安徽省",
  "35": "福建省",
  "36": "江西省",
  "37": "山东省",
  "41": "河南省",
  "42": "湖北省",
  "43": "湖南省",
  "44": "广东省",
  "45": "广西壮族自治区",
  "46": "海南省",
  "50": "重庆市",
  "51": "四川省",
  "52": "贵州省",
  "53": "云南省",
  "54": "西藏自治区",
  "61": "陕西省",
  "62": "甘肃省",
  "63": "青海省",
  "64": "宁夏回族自治区",
  "65": "新疆维吾尔自治区",
  "71": "台湾省",
  "81": "香港特别行政区",
  "82": "澳门特别行政区",
};

/** The province-level division a resident id was issued in, by its first two digits; undefined for other codes. */
export function chineseIdProvince(id: string): string | undefined {
  return Object.hasOwn(GB_T_2260_PROVINCES, id.slice(0, 2)) ? GB_T_2260_PROVINCES[id.slice(0, 2)] : undefined;
}

/**
 * Whether the code is one of mainland China's 31 divisions. Ids starting 81 and 82 are residence permits of Hong
 * Kong and Macao residents, and 71 is not issued: as a customer's region they would contradict the country CN.
 */
export function isMainlandProvinceCode(id: string): boolean {
  const code = Number(id.slice(0, 2));
  return /^\d{2}/.test(id) && code >= 11 && code <= 65 && Object.hasOwn(GB_T_2260_PROVINCES, id.slice(0, 2));
}
