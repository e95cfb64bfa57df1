import { describe, expect, it } from "vitest";
import { pinyinWord, simplified, splitChineseName } from "../../src/stages/normalize/chinese-names.js";
import { caseName, type NameParts, nameKeys, normalizeNameParts } from "../../src/stages/normalize/names.js";

/** Expected NameParts with title/suffix defaulting to null. */
function parts(
  fullName: string | null,
  givenName: string | null,
  familyName: string | null,
  title: string | null = null,
  suffix: string | null = null,
): NameParts {
  return { fullName, givenName, familyName, title, suffix };
}

describe("caseName: ALL CAPS / all lower case Western names get proper case", () => {
  it.each([
    // Mc / Mac
    ["JOHN MCDONALD", "John McDonald"],
    ["mcdonald", "McDonald"],
    ["MCGREGOR", "McGregor"],
    ["angus macdonald", "Angus MacDonald"],
    ["JOHN MACMILLAN", "John MacMillan"],
    ["DOUGLAS MACARTHUR", "Douglas MacArthur"],
    ["ANNE-MARIE MACDONALD", "Anne-Marie MacDonald"],
    // Mac exceptions: not Mac + Name
    ["MARY MACHADO", "Mary Machado"],
    ["JAMES MACK", "James Mack"],
    ["william h. macy", "William H. Macy"],
    ["MACIAS", "Macias"],
    ["MACON", "Macon"],
    ["TOM MACRI", "Tom Macri"],
    // O' / D' / L'
    ["SEAN O'BRIEN", "Sean O'Brien"],
    ["o'neill", "O'Neill"],
    ["MARIO D'ANGELO", "Mario D'Angelo"],
    ["D'ARCY", "D'Arcy"],
    ["L'ESTRANGE", "L'Estrange"],
    // particles after the first word stay lower case
    ["PIETER VAN DER BERG", "Pieter van der Berg"],
    ["JUAN DE LA CRUZ", "Juan de la Cruz"],
    ["VINCENT VAN GOGH", "Vincent van Gogh"],
    ["LUDWIG VON BEETHOVEN", "Ludwig von Beethoven"],
    ["LEONARDO DA VINCI", "Leonardo da Vinci"],
    ["LUIZ INÁCIO LULA DA SILVA", "Luiz Inácio Lula da Silva"],
    ["joão dos santos", "João dos Santos"],
    ["MARIA DEL CARMEN", "Maria del Carmen"],
    ["JEAN-PIERRE DE LA FONTAINE", "Jean-Pierre de la Fontaine"],
    ["ALI BIN ABDULLAH", "Ali bin Abdullah"],
    // a particle-like first word is a given name
    ["VAN MORRISON", "Van Morrison"],
    ["LA TOYA JACKSON", "La Toya Jackson"],
    // hyphenated
    ["ANNA SMITH-JONES", "Anna Smith-Jones"],
    ["JEAN-LUC PICARD", "Jean-Luc Picard"],
    ["mary-kate o'neill", "Mary-Kate O'Neill"],
    ["SMITH-MCDONALD", "Smith-McDonald"],
    ["ollie mcdonald-o'brien", "Ollie McDonald-O'Brien"],
    // accents
    ["JOSÉ GARCÍA", "José García"],
    ["zoë", "Zoë"],
    ["MÜLLER", "Müller"],
    ["ÉMILE ZOLA", "Émile Zola"],
    ["SØREN KIERKEGAARD", "Søren Kierkegaard"],
    ["GÜNTER GRASS", "Günter Grass"],
    ["FRANÇOIS", "François"],
    ["ОЛЕГ ИВАНОВ", "Олег Иванов"],
    // single names
    ["CHER", "Cher"],
    ["madonna", "Madonna"],
    // initials, titles, suffixes
    ["J. R. R. TOLKIEN", "J. R. R. Tolkien"],
    ["GEORGE W. BUSH", "George W. Bush"],
    ["DR JOHN SMITH", "Dr John Smith"],
    ["mr smith", "Mr Smith"],
    ["MARTIN LUTHER KING JR.", "Martin Luther King Jr."],
    ["MARTIN LUTHER KING JR", "Martin Luther King Jr"],
    ["JOHN SMITH SR.", "John Smith Sr."],
    ["JOHN SMITH III", "John Smith III"],
    ["ELIZABETH II", "Elizabeth II"],
    ["JANE DOE PHD", "Jane Doe PhD"],
  ])("%s → %s", (input, expected) => {
    expect(caseName(input)).toBe(expected);
  });
});

describe("caseName: mixed case is left as the person wrote it", () => {
  it.each([
    "DeShawn",
    "DeShawn Jackson",
    "McKenzie",
    "Mcdonald",
    "MacDonald",
    "Macdonald",
    "van Gogh",
    "Vincent van Gogh",
    "van der Berg",
    "de la Cruz",
    "O'brien",
    "LeBron James",
    "DeAndre Jordan",
    "ZHANG Wei",
    "José García",
    "Zoë",
    "Müller",
    "John Smith",
  ])("%s unchanged", (input) => {
    expect(caseName(input)).toBe(input);
  });

  it.each(["张伟", "張偉", "欧阳娜娜", "阿依古丽·买买提"])("Chinese %s is never re-cased", (input) => {
    expect(caseName(input)).toBe(input);
  });
});

describe("normalizeNameParts: Western full name → parts", () => {
  it.each([
    ["Dr. John A. Smith Jr.", parts("John A. Smith", "John A.", "Smith", "Dr.", "Jr.")],
    ["Mrs Jane Doe", parts("Jane Doe", "Jane", "Doe", "Mrs")],
    ["Ms. Jane Doe", parts("Jane Doe", "Jane", "Doe", "Ms.")],
    ["DR JANE DOE", parts("Jane Doe", "Jane", "Doe", "Dr")],
    ["Prof Jane Doe PhD", parts("Jane Doe", "Jane", "Doe", "Prof", "PhD")],
    ["Sir Elton John", parts("Elton John", "Elton", "John", "Sir")],
    ["Rev. Martin Luther King Jr.", parts("Martin Luther King", "Martin Luther", "King", "Rev.", "Jr.")],
    ["John Smith III", parts("John Smith", "John", "Smith", null, "III")],
    ["Jane Doe MD", parts("Jane Doe", "Jane", "Doe", null, "MD")],
    ["John Smith Esq.", parts("John Smith", "John", "Smith", null, "Esq.")],
    ["Sammy Davis Jr", parts("Sammy Davis", "Sammy", "Davis", null, "Jr")],
    // "Family, Given"
    ["Smith, John", parts("John Smith", "John", "Smith")],
    ["SMITH, JOHN", parts("John Smith", "John", "Smith")],
    ["MCDONALD, JOHN", parts("John McDonald", "John", "McDonald")],
    ["McKenzie, Scott", parts("Scott McKenzie", "Scott", "McKenzie")],
    ["van Gogh, Vincent", parts("Vincent van Gogh", "Vincent", "van Gogh")],
    ["de la Cruz, Juan", parts("Juan de la Cruz", "Juan", "de la Cruz")],
    ["Smith-Jones, Anna", parts("Anna Smith-Jones", "Anna", "Smith-Jones")],
    ["Smith Jr., John", parts("John Smith", "John", "Smith", null, "Jr.")],
    ["Smith Jr, John", parts("John Smith", "John", "Smith", null, "Jr")],
    // "Given Family, Suffix" is not family-first
    ["John Smith, Jr.", parts("John Smith", "John", "Smith", null, "Jr.")],
    ["Martin Luther King, Jr.", parts("Martin Luther King", "Martin Luther", "King", null, "Jr.")],
    ["Dr. Jane Doe, PhD", parts("Jane Doe", "Jane", "Doe", "Dr.", "PhD")],
    // particles belong to the family name
    ["VINCENT VAN GOGH", parts("Vincent van Gogh", "Vincent", "van Gogh")],
    ["PIETER VAN DER BERG", parts("Pieter van der Berg", "Pieter", "van der Berg")],
    ["JUAN DE LA CRUZ", parts("Juan de la Cruz", "Juan", "de la Cruz")],
    ["Ludwig van Beethoven", parts("Ludwig van Beethoven", "Ludwig", "van Beethoven")],
    ["Oscar de la Renta", parts("Oscar de la Renta", "Oscar", "de la Renta")],
    // apostrophes, hyphens, accents, mixed case
    ["SEAN O'BRIEN", parts("Sean O'Brien", "Sean", "O'Brien")],
    ["Anna Smith-Jones", parts("Anna Smith-Jones", "Anna", "Smith-Jones")],
    ["Jean-Luc Picard", parts("Jean-Luc Picard", "Jean-Luc", "Picard")],
    ["DeShawn Jackson", parts("DeShawn Jackson", "DeShawn", "Jackson")],
    ["José García", parts("José García", "José", "García")],
    ["ZOË SALDAÑA", parts("Zoë Saldaña", "Zoë", "Saldaña")],
    ["thomas müller", parts("Thomas Müller", "Thomas", "Müller")],
    ["Mary Ann Smith", parts("Mary Ann Smith", "Mary Ann", "Smith")],
    ["J. R. R. Tolkien", parts("J. R. R. Tolkien", "J. R. R.", "Tolkien")],
    ["  John   Smith ", parts("John Smith", "John", "Smith")],
  ])("%s", (input, expected) => {
    expect(normalizeNameParts(input, null, null)).toEqual(expected);
  });

  it.each([
    ["Cher", "Cher", null],
    ["MADONNA", "Madonna", null],
    ["Mr Smith", "Smith", "Mr"],
    ["Mr. T", "T", "Mr."],
  ])("single name %s → %s (title %s kept apart)", (input, fullName, title) => {
    const out = normalizeNameParts(input, null, null);
    expect(out.fullName).toBe(fullName);
    expect(out.title).toBe(title);
    expect(out.suffix).toBeNull();
    expect([out.givenName, out.familyName]).toContain(fullName);
  });
});

describe("normalizeNameParts: Western given/family → full", () => {
  it.each([
    [null, "JOHN", "MCDONALD", parts("John McDonald", "John", "McDonald")],
    [null, "Jane", "van der Berg", parts("Jane van der Berg", "Jane", "van der Berg")],
    [null, "Mary Ann", "O'NEILL", parts("Mary Ann O'Neill", "Mary Ann", "O'Neill")],
    [null, "JOSÉ", "GARCÍA", parts("José García", "José", "García")],
    [null, "DeShawn", "Jackson", parts("DeShawn Jackson", "DeShawn", "Jackson")],
    [null, "anna", "smith-jones", parts("Anna Smith-Jones", "Anna", "Smith-Jones")],
    [null, "John", null, parts("John", "John", null)],
    [null, null, "Smith", parts("Smith", null, "Smith")],
    [null, "", "Smith", parts("Smith", null, "Smith")],
    ["john smith", "JOHN", "SMITH", parts("John Smith", "John", "Smith")],
    [null, null, null, parts(null, null, null)],
    ["", "", "", parts(null, null, null)],
  ])("full=%j given=%j family=%j", (full, given, family, expected) => {
    expect(normalizeNameParts(full, given, family)).toEqual(expected);
  });
});

describe("normalizeNameParts: Chinese names", () => {
  it.each([
    // single-character surnames
    ["张伟", "张伟", "张", "伟"],
    ["張偉", "張偉", "張", "偉"],
    ["王菲", "王菲", "王", "菲"],
    ["陈晓东", "陈晓东", "陈", "晓东"],
    ["劉德華", "劉德華", "劉", "德華"],
    ["曾国藩", "曾国藩", "曾", "国藩"],
    // compound surnames, simplified and traditional
    ["欧阳娜娜", "欧阳娜娜", "欧阳", "娜娜"],
    ["歐陽娜娜", "歐陽娜娜", "歐陽", "娜娜"],
    ["司马光", "司马光", "司马", "光"],
    ["司馬光", "司馬光", "司馬", "光"],
    ["诸葛亮", "诸葛亮", "诸葛", "亮"],
    ["諸葛亮", "諸葛亮", "諸葛", "亮"],
    ["上官婉儿", "上官婉儿", "上官", "婉儿"],
    ["皇甫嵩", "皇甫嵩", "皇甫", "嵩"],
    ["令狐冲", "令狐冲", "令狐", "冲"],
    ["长孙无忌", "长孙无忌", "长孙", "无忌"],
    ["長孫無忌", "長孫無忌", "長孫", "無忌"],
    ["东方不败", "东方不败", "东方", "不败"],
    ["慕容复", "慕容复", "慕容", "复"],
    ["尉迟恭", "尉迟恭", "尉迟", "恭"],
    // spaces inside the name are dropped
    ["张 伟", "张伟", "张", "伟"],
    ["欧阳 娜娜", "欧阳娜娜", "欧阳", "娜娜"],
    // minority names: given·family
    ["阿依古丽·买买提", "阿依古丽·买买提", "买买提", "阿依古丽"],
    ["阿依古丽 · 买买提", "阿依古丽·买买提", "买买提", "阿依古丽"],
    ["阿依古丽•买买提", "阿依古丽•买买提", "买买提", "阿依古丽"],
  ])("%s → full %s, family %s, given %s", (input, full, family, given) => {
    expect(normalizeNameParts(input, null, null)).toEqual(parts(full, given, family));
  });

  it("a one-character name is the family name", () => {
    expect(normalizeNameParts("王", null, null)).toEqual(parts("王", null, "王"));
  });

  it.each([
    [null, "伟", "张", parts("张伟", "伟", "张")],
    [null, "娜娜", "欧阳", parts("欧阳娜娜", "娜娜", "欧阳")],
    [null, "偉", "張", parts("張偉", "偉", "張")],
    [null, "晓东", "陈", parts("陈晓东", "晓东", "陈")],
    [null, null, "张", parts("张", null, "张")],
    ["张伟", "伟", "张", parts("张伟", "伟", "张")],
    ["张 伟", "伟", "张", parts("张伟", "伟", "张")],
  ])("full=%j given=%j family=%j → family + given, no space", (full, given, family, expected) => {
    expect(normalizeNameParts(full, given, family)).toEqual(expected);
  });
});

describe("nameKeys: 張偉, 张伟, Zhang Wei, ZHANG WEI and Wei Zhang meet", () => {
  it.each([
    ["張偉", "张伟", "wei zhang"],
    ["张伟", "张伟", "wei zhang"],
    ["张 伟", "张伟", "wei zhang"],
    ["Zhang Wei", null, "wei zhang"],
    ["ZHANG WEI", null, "wei zhang"],
    ["Wei Zhang", null, "wei zhang"],
    ["ZHANG Wei", null, "wei zhang"],
    ["陈晓东", "陈晓东", "chen xiaodong"],
    ["Xiaodong Chen", null, "chen xiaodong"],
    ["欧阳娜娜", "欧阳娜娜", "nana ouyang"],
    ["歐陽娜娜", "欧阳娜娜", "nana ouyang"],
    ["OUYANG NANA", null, "nana ouyang"],
    ["劉德華", "刘德华", "dehua liu"],
    ["長孫無忌", "长孙无忌", "wuji zhangsun"],
    ["單雄信", "单雄信", "shan xiongxin"],
    ["曾国藩", "曾国藩", "guofan zeng"],
    ["区志明", "区志明", "ou zhiming"],
    ["解缙", "解缙", "jin xie"],
    ["诸葛亮", "诸葛亮", "liang zhuge"],
    ["尉迟恭", "尉迟恭", "gong yuchi"],
    ["王", "王", "wang"],
    ["阿依古丽·买买提", "阿依古丽·买买提", "ayiguli maimaiti"],
    ["Dr. John A. Smith Jr.", null, "a john smith"],
    ["John Smith III", null, "john smith"],
    ["Smith, John", null, "john smith"],
    ["José García", null, "garcia jose"],
    ["thomas müller", null, "muller thomas"],
    ["SEAN O'BRIEN", null, "obrien sean"],
    ["Anna Smith-Jones", null, "anna jones smith"],
    ["VINCENT VAN GOGH", null, "gogh van vincent"],
  ])("%s → han %j, key %j", (input, han, key) => {
    expect(nameKeys(normalizeNameParts(input, null, null))).toEqual({ han, key });
  });

  it.each([
    [null, "伟", "张", "张伟", "wei zhang"],
    [null, "偉", "張", "张伟", "wei zhang"],
    [null, "娜娜", "欧阳", "欧阳娜娜", "nana ouyang"],
    [null, "Wei", "Zhang", null, "wei zhang"],
    [null, "JOSÉ", "GARCÍA", null, "garcia jose"],
  ])("full=%j given=%j family=%j → han %j, key %j", (full, given, family, han, key) => {
    expect(nameKeys(normalizeNameParts(full, given, family))).toEqual({ han, key });
  });

  it("no name → no keys", () => {
    expect(nameKeys(normalizeNameParts(null, null, null))).toEqual({ han: null, key: null });
  });
});

describe("chinese-names helpers", () => {
  it.each([
    ["张伟", "张", "伟"],
    ["欧阳娜娜", "欧阳", "娜娜"],
    ["歐陽娜娜", "歐陽", "娜娜"],
    ["陈晓东", "陈", "晓东"],
    ["张 伟", "张", "伟"],
    ["阿依古丽·买买提", "买买提", "阿依古丽"],
  ])("splitChineseName(%s) → family %s, given %s", (input, family, given) => {
    expect(splitChineseName(input)).toEqual({ family, given });
  });

  it.each([
    ["張偉", "张伟"],
    ["歐陽娜娜", "欧阳娜娜"],
    ["劉德華", "刘德华"],
    ["鄧麗君", "邓丽君"],
    ["長孫無忌", "长孙无忌"],
    ["张伟", "张伟"],
  ])("simplified(%s) → %s", (input, expected) => {
    expect(simplified(input)).toBe(expected);
  });

  it.each([
    ["张", true, "zhang"],
    ["伟", false, "wei"],
    ["欧阳", true, "ouyang"],
    ["歐陽", true, "ouyang"],
    ["晓东", false, "xiaodong"],
    ["單", true, "shan"],
    ["曾", true, "zeng"],
    ["解", true, "xie"],
  ])("pinyinWord(%s, surname=%s) → %s", (input, asSurname, expected) => {
    expect(pinyinWord(input, asSurname)).toBe(expected);
  });
});
