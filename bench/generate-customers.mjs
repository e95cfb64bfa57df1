// Generates realistic, deterministic customer exports for benchmarks and tests, with a ground truth for dedupe.
// Output is written outside the repo (default: $TMPDIR/roster-bench) and never committed.
//   node bench/generate-customers.mjs --rows 1000000 [--out /tmp/roster-bench/customers-1000000.csv] [--seed 42]
//        [--dup-share 0.15] [--max-copies 4] [--spread 100000] [--households 0.02] [--sources crm,shop,support]
//        [--no-truth] [--stats]
//
// What is realistic about it (BENCHMARKS.md, "Benchmark data"):
// - people, not rows: every person has their own phone (valid for their country: CN mobiles and landlines, US,
//   GB, DE, FR numbers in national and international written forms), own email (from their name: first.last,
//   flast, first123, … at the country's usual providers or their company), own street address (house number,
//   street from a list, a postcode that belongs to the city), birth date (ages 18-90). A Bloom filter keeps
//   phones, emails and addresses distinct per person in constant memory.
// - names by frequency: Chinese surnames by their census shares (王 李 张 刘 陈 …), given names from a few
//   hundred names and characters; Western given and family names per country drawn by a Zipf law over
//   census-style lists ordered by frequency.
// - a known share of people (--dup-share, default 15%) have 2 to --max-copies records, spread over the file
//   (within --spread records of the first one) and over the --sources, each copy corrupted as exports are:
//   keyboard typos, transpositions, dropped letters, nicknames (Bill/William), given and family swapped,
//   traditional characters or pinyin for Chinese names, a phone in another format or one digit off, email case,
//   +tag or dots, street abbreviations (St/Street, Str./Straße), day/month swapped, fields missing. A small
//   share of households (--households) share an address and family name: hard negatives for dedupe.
// - text that matters for encodings: traditional characters and given-name characters outside GB2312 (喆 堃 玥)
//   in a share of Chinese rows, full-width digits (１３８…) in a small share, accents in European names.
// - the ground truth (record id → person id, and the source) is written beside the data (NAME.truth.csv), so a
//   dedupe benchmark can score pairwise precision, recall and F1.
// Same options and seed give the same bytes; rows stream with memory bounded by --spread, not by --rows.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import * as OpenCC from "opencc-js";

export const COLUMNS = [
  "customer_id",
  "first_name",
  "last_name",
  "email",
  "phone",
  "date_of_birth",
  "street",
  "city",
  "state",
  "postcode",
  "country",
  "company",
  "created_at",
];
const HEADER = COLUMNS.join(",");

// ---------------------------------------------------------------------------------------------------------------
// Random numbers: mulberry32 (tiny, fast, seedable) and the helpers every field needs.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeRng(seed) {
  const next = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    digits: (n) => {
      let s = "";
      for (let i = 0; i < n; i++) s += Math.floor(next() * 10);
      return s;
    },
    /** An index into a cumulative weight table (see `weighted`). */
    weighted: (table) => {
      const x = next() * table.total;
      let lo = 0;
      let hi = table.cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (table.cumulative[mid] > x) hi = mid;
        else lo = mid + 1;
      }
      return table.items[lo];
    },
  };
}

/** Items with weights → a table for `rng.weighted`. */
function weightTable(items, weights) {
  const cumulative = new Float64Array(items.length);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += weights[i];
    cumulative[i] = total;
  }
  return { items, cumulative, total };
}

/** Zipf's law over a list ordered by frequency: the rank-r item has weight 1 / r^s. */
const zipf = (items, s) =>
  weightTable(
    items,
    items.map((_, i) => 1 / (i + 1) ** s),
  );

// A Bloom filter (2^27 bits, 16 MiB, 3 probes) of values already given to someone: distinct phones, emails and
// addresses per person in constant memory. A false positive only makes the generator draw again.
class Seen {
  bits = new Uint32Array(1 << 22);
  hash(s, seed) {
    let h = seed;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h >>> 0;
  }
  /** True when `s` was (probably) added before; adds it either way. */
  testAndAdd(s) {
    const a = this.hash(s, 2166136261);
    const b = this.hash(s, 0x9747b28c) | 1;
    let seen = true;
    for (let k = 0; k < 3; k++) {
      const bit = ((a + Math.imul(k, b)) >>> 5) & ((1 << 22) - 1);
      const mask = 1 << ((a + Math.imul(k, b)) & 31);
      if ((this.bits[bit] & mask) === 0) {
        seen = false;
        this.bits[bit] |= mask;
      }
    }
    return seen;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Names. Lists are ordered by frequency (US: Census 2010 surnames and SSA given names; GB: ONS; DE, FR: the
// usual "most common names" lists), drawn by Zipf. '|'-separated so multi-word names survive the split.

const list = (s) => s.split("|");
const NAMES = {
  US: {
    male: list(
      "James|Robert|John|Michael|David|William|Richard|Joseph|Thomas|Christopher|Charles|Daniel|Matthew|Anthony|Mark|Donald|Steven|Andrew|Paul|Joshua|Kenneth|Kevin|Brian|Timothy|Ronald|George|Jason|Edward|Jeffrey|Ryan|Jacob|Nicholas|Gary|Eric|Jonathan|Stephen|Larry|Justin|Scott|Brandon|Benjamin|Samuel|Gregory|Alexander|Patrick|Frank|Raymond|Jack|Dennis|Jerry|Tyler|Aaron|José|Adam|Nathan|Henry|Zachary|Douglas|Peter|Kyle|Noah|Ethan|Jeremy|Christian|Walter|Keith|Austin|Roger|Terry|Sean|Gerald|Carl|Dylan|Harold|Jordan|Jesse|Bryan|Lawrence|Arthur|Gabriel|Bruce|Logan|Billy|Joe|Alan|Juan|Elijah|Willie|Albert|Wayne|Randy|Mason|Vincent|Liam|Roy|Bobby|Caleb|Bradley|Russell|Lucas|Theodore|Philip|Howard|Eugene|Louis|Russell|Ralph|Carlos|Luis|Marcus|Jamal|DeShawn|Trevor|Shane|Derek|Travis|Cody|Victor|Martin|Ernest|Phillip|Todd|Craig|Alan|Shawn|Clarence|Sean|Chad|Curtis|Miguel|Ricardo|Xavier|Mateo",
    ),
    female: list(
      "Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Karen|Sarah|Lisa|Nancy|Sandra|Betty|Ashley|Emily|Kimberly|Margaret|Donna|Michelle|Carol|Amanda|Melissa|Deborah|Stephanie|Rebecca|Sharon|Laura|Cynthia|Dorothy|Amy|Kathleen|Angela|Shirley|Emma|Brenda|Pamela|Nicole|Anna|Samantha|Katherine|Christine|Debra|Rachel|Carolyn|Janet|Maria|Olivia|Heather|Helen|Catherine|Diane|Julie|Victoria|Joyce|Lauren|Kelly|Christina|Ruth|Joan|Virginia|Judith|Evelyn|Hannah|Andrea|Megan|Cheryl|Jacqueline|Madison|Teresa|Abigail|Sophia|Martha|Sara|Gloria|Janice|Kathryn|Ann|Isabella|Judy|Charlotte|Julia|Grace|Amber|Alice|Jean|Denise|Frances|Danielle|Marilyn|Natalie|Beverly|Diana|Brittany|Theresa|Kayla|Alexis|Doris|Lori|Tiffany|Zoë|Mia|Harper|Ava|Chloe|Ella|Avery|Scarlett|Aria|Layla|Penelope|Riley|Nora|Lily|Camila|Hazel|Valentina|Latoya|Keisha|Guadalupe|Rosa|Yolanda|Tamara|Wendy|Vanessa|Erica|Monica|Crystal|Renee",
    ),
    family: list(
      "Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Hernandez|Lopez|Gonzalez|Wilson|Anderson|Thomas|Taylor|Moore|Jackson|Martin|Lee|Perez|Thompson|White|Harris|Sanchez|Clark|Ramirez|Lewis|Robinson|Walker|Young|Allen|King|Wright|Scott|Torres|Nguyen|Hill|Flores|Green|Adams|Nelson|Baker|Hall|Rivera|Campbell|Mitchell|Carter|Roberts|Gomez|Phillips|Evans|Turner|Diaz|Parker|Cruz|Edwards|Collins|Reyes|Stewart|Morris|Morales|Murphy|Cook|Rogers|Gutierrez|Ortiz|Morgan|Cooper|Peterson|Bailey|Reed|Kelly|Howard|Ramos|Kim|Cox|Ward|Richardson|Watson|Brooks|Chavez|Wood|James|Bennett|Gray|Mendoza|Ruiz|Hughes|Price|Alvarez|Castillo|Sanders|Patel|Myers|Long|Ross|Foster|Jimenez|Powell|Jenkins|Perry|Russell|Sullivan|Bell|Coleman|Butler|Henderson|Barnes|Gonzales|Fisher|Vasquez|Simmons|Romero|Jordan|Patterson|Alexander|Hamilton|Graham|Reynolds|Griffin|Wallace|Moreno|West|Cole|Hayes|Bryant|Herrera|Gibson|Ellis|Tran|Medina|Aguilar|Stevens|Murray|Ford|Castro|Marshall|Owens|Harrison|Fernandez|McDonald|Woods|Washington|Kennedy|Wells|Vargas|Henry|Chen|Freeman|Webb|Tucker|Guzman|Burns|Crawford|Olson|Simpson|Porter|Hunter|Gordon|Mendez|Silva|Shaw|Snyder|Mason|Dixon|Muñoz|Hunt|Hicks|Holmes|Palmer|Wagner|Black|Robertson|Boyd|Rose|Stone|Salazar|Fox|Warren|Mills|Meyer|Rice|Schmidt|Garza|Daniels|Ferguson|Nichols|Stephens|Soto|Weaver|Ryan|Gardner|Payne|Grant|Dunn|Kelley|Spencer|Hawkins|Arnold|Pierce|Vazquez|Hansen|Peters|Santos|Hart|Bradley|Knight|Elliott|Cunningham|Duncan|Armstrong|Hudson|Carroll|Lane|Riley|Andrews|Alvarado|Ray|Delgado|Berry|Perkins|Hoffman|Johnston|Matthews|Peña|Richards|Contreras|Willis|Carpenter|Lawrence|Sandoval|O'Brien|O'Connor|McAllister|D'Angelo|de la Cruz|Van Buren|Smith-Jones|St. John|MacLeod|Kowalski|Nakamura|Cohen|Goldberg|Rossi|Schwartz",
    ),
  },
  GB: {
    male: list(
      "Oliver|Jack|Harry|George|Charlie|Jacob|Thomas|Oscar|William|James|Alfie|Joshua|Henry|Leo|Archie|Ethan|Joseph|Freddie|Samuel|Alexander|Logan|Daniel|Isaac|Max|Mohammed|Benjamin|Mason|Lucas|Edward|Harrison|Jake|Dylan|Riley|Finley|Theo|Sebastian|Adam|Zachary|Arthur|Toby|Luke|Lewis|Tyler|Harvey|Matthew|David|Reuben|Michael|Elijah|Callum|Jamie|Ben|Nathan|Ryan|Liam|Connor|Aaron|Gareth|Rhys|Ian|Neil|Stuart|Graham|Alistair|Nigel|Colin|Trevor|Robert|Richard|Paul|Andrew|Mark|Christopher|Simon|Philip|Peter|John|Stephen|Owen|Dafydd|Ewan|Hamish|Angus|Declan|Ciaran|Kieran",
    ),
    female: list(
      "Amelia|Olivia|Isla|Emily|Ava|Poppy|Isabella|Jessica|Lily|Sophie|Grace|Sophia|Mia|Evie|Ruby|Ella|Scarlett|Isabelle|Chloe|Sienna|Freya|Phoebe|Charlotte|Daisy|Alice|Florence|Eva|Sofia|Millie|Lucy|Evelyn|Elsie|Rosie|Imogen|Lola|Matilda|Elizabeth|Layla|Holly|Molly|Erin|Ellie|Maisie|Maya|Abigail|Eliza|Georgia|Jasmine|Esme|Willow|Bella|Annabelle|Ivy|Amber|Emilia|Emma|Summer|Hannah|Eleanor|Harriet|Rose|Megan|Zara|Martha|Anna|Violet|Maryam|Aisha|Katie|Leah|Bethany|Francesca|Beatrice|Lydia|Sarah|Victoria|Zoe|Robyn|Siobhan|Gemma|Kirsty|Joanne|Nicola|Claire|Rachel|Louise|Helen|Karen|Margaret|Susan|Deborah|Catherine|Rhiannon|Niamh|Aoife|Eilidh",
    ),
    family: list(
      "Smith|Jones|Williams|Taylor|Brown|Davies|Evans|Wilson|Thomas|Johnson|Roberts|Robinson|Thompson|Wright|Walker|White|Edwards|Hughes|Green|Hall|Lewis|Harris|Clarke|Patel|Jackson|Wood|Turner|Martin|Cooper|Hill|Ward|Morris|Moore|Clark|Lee|King|Baker|Harrison|Morgan|Allen|James|Scott|Phillips|Watson|Davis|Parker|Price|Bennett|Young|Griffiths|Mitchell|Kelly|Cook|Carter|Richardson|Bailey|Collins|Bell|Shaw|Murphy|Miller|Cox|Richards|Khan|Marshall|Anderson|Simpson|Ellis|Adams|Singh|Begum|Wilkinson|Foster|Chapman|Powell|Webb|Rogers|Gray|Mason|Ali|Hunt|Hussain|Campbell|Matthews|Owen|Palmer|Holmes|Mills|Barnes|Knight|Lloyd|Butler|Russell|Barker|Fisher|Stevens|Jenkins|Murray|Dixon|Harvey|MacDonald|MacLeod|O'Neill|Fitzgerald|Ap Rhys|Featherstonehaugh|Ashworth|Pritchard|Llewellyn",
    ),
  },
  DE: {
    male: list(
      "Peter|Michael|Thomas|Andreas|Wolfgang|Klaus|Jürgen|Günter|Stefan|Christian|Uwe|Werner|Horst|Frank|Dieter|Manfred|Gerhard|Hans|Bernd|Joachim|Ralf|Sven|Jan|Lukas|Leon|Felix|Jonas|Maximilian|Paul|Finn|Tim|Niklas|Florian|Tobias|Sebastian|Markus|Matthias|Alexander|Daniel|Dirk|Jörg|Heinz|Karl|Helmut|Rainer|Holger|Oliver|Martin|Björn|Timo|Johannes|Friedrich|Lars|Moritz|Elias|Noah|Ben|Emil|Anton|Kai",
    ),
    female: list(
      "Ursula|Monika|Petra|Elke|Sabine|Renate|Helga|Karin|Brigitte|Ingrid|Erika|Andrea|Gisela|Claudia|Susanne|Gabriele|Christine|Birgit|Stefanie|Julia|Anna|Katharina|Laura|Lena|Lea|Sarah|Hannah|Sophie|Marie|Emma|Mia|Johanna|Leonie|Nicole|Anja|Kerstin|Tanja|Sandra|Heike|Silke|Jana|Franziska|Jutta|Marion|Ute|Doris|Bärbel|Greta|Clara|Frieda|Mathilda|Ida|Lina",
    ),
    family: list(
      "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hofmann|Hartmann|Lange|Schmitt|Werner|Schmitz|Krause|Meier|Lehmann|Schmid|Schulze|Maier|Köhler|Herrmann|König|Walter|Mayer|Huber|Kaiser|Fuchs|Peters|Lang|Scholz|Möller|Weiß|Jung|Hahn|Schubert|Vogel|Friedrich|Keller|Günther|Frank|Berger|Winkler|Roth|Beck|Lorenz|Baumann|Franke|Albrecht|Schuster|Simon|Ludwig|Böhm|Winter|Kraus|Martin|Schumacher|Krämer|Vogt|Stein|Jäger|Otto|Sommer|Groß|Seidel|Heinrich|Brandt|Haas|Schreiber|Graf|Schulte|Dietrich|Ziegler|Kuhn|Kühn|Pohl|Engel|Horn|Busch|Bergmann|Thomas|Voigt|Sauer|Arnold|Wolff|Pfeiffer|von Berg|zu Stolberg|Yılmaz|Kaya|Nowak",
    ),
  },
  FR: {
    male: list(
      "Jean|Pierre|Michel|André|Philippe|Alain|Jacques|Bernard|René|Louis|Nicolas|Daniel|Christophe|Patrick|François|Frédéric|Laurent|Éric|Stéphane|Julien|Thomas|David|Olivier|Sébastien|Pascal|Thierry|Guillaume|Antoine|Hugo|Lucas|Théo|Nathan|Maxime|Mathieu|Romain|Vincent|Jérôme|Alexandre|Gérard|Claude|Marcel|Henri|Yves|Didier|Benoît|Clément|Arthur|Raphaël|Léo|Gabriel|Jean-Pierre|Jean-Luc|Jean-Claude|Mohamed|Karim",
    ),
    female: list(
      "Marie|Jeanne|Françoise|Monique|Catherine|Nathalie|Isabelle|Sylvie|Anne|Martine|Nicole|Sophie|Christine|Valérie|Sandrine|Stéphanie|Céline|Julie|Aurélie|Camille|Léa|Manon|Chloé|Emma|Inès|Sarah|Laura|Pauline|Marine|Émilie|Élodie|Hélène|Brigitte|Chantal|Danielle|Jacqueline|Madeleine|Louise|Alice|Juliette|Clara|Océane|Mathilde|Charlotte|Margaux|Lucie|Zoé|Anaïs|Audrey|Marie-Claire|Anne-Sophie|Fatima",
    ),
    family: list(
      "Martin|Bernard|Thomas|Petit|Robert|Richard|Durand|Dubois|Moreau|Laurent|Simon|Michel|Lefebvre|Leroy|Roux|David|Bertrand|Morel|Fournier|Girard|Bonnet|Dupont|Lambert|Fontaine|Rousseau|Vincent|Muller|Lefèvre|Faure|André|Mercier|Blanc|Guérin|Boyer|Garnier|Chevalier|François|Legrand|Gauthier|Garcia|Perrin|Robin|Clément|Morin|Nicolas|Henry|Roussel|Mathieu|Gautier|Masson|Marchand|Duval|Denis|Dumont|Marie|Lemaire|Noël|Meyer|Dufour|Meunier|Brun|Blanchard|Giraud|Joly|Rivière|Lucas|Brunet|Gaillard|Barbier|Arnaud|Martinez|Gérard|Roche|Renard|Schmitt|Roy|Leroux|Colin|Vidal|Caron|Picard|Roger|Fabre|Aubert|Lemoine|Renaud|Dumas|Lacroix|Olivier|Philippe|Bourgeois|Pierre|Benoît|Rey|Leclerc|Payet|Le Gall|Le Roux|Da Silva|Saint-Martin|N'Diaye",
    ),
  },
};
const NAME_TABLES = Object.fromEntries(
  Object.entries(NAMES).map(([country, n]) => [
    country,
    { male: zipf(n.male, 0.85), female: zipf(n.female, 0.85), family: zipf(n.family, 0.7) },
  ]),
);

// Chinese surnames with their shares of the population in percent (2020 census, top 100) and their pinyin.
const CN_SURNAMES = list(
  "王:wang:7.12|李:li:7.0|张:zhang:6.6|刘:liu:5.4|陈:chen:4.5|杨:yang:3.1|黄:huang:2.2|赵:zhao:2.0|吴:wu:2.0|周:zhou:1.9|徐:xu:1.3|孙:sun:1.2|马:ma:1.1|朱:zhu:1.1|胡:hu:1.0|郭:guo:0.97|何:he:0.9|林:lin:0.87|高:gao:0.87|罗:luo:0.83|郑:zheng:0.8|梁:liang:0.75|谢:xie:0.6|宋:song:0.5|唐:tang:0.5|许:xu:0.5|韩:han:0.45|冯:feng:0.45|邓:deng:0.45|曹:cao:0.43|彭:peng:0.42|曾:zeng:0.41|肖:xiao:0.4|田:tian:0.38|董:dong:0.38|袁:yuan:0.36|潘:pan:0.35|于:yu:0.35|蒋:jiang:0.34|蔡:cai:0.33|余:yu:0.33|杜:du:0.32|叶:ye:0.31|程:cheng:0.3|苏:su:0.29|魏:wei:0.29|吕:lv:0.29|丁:ding:0.28|任:ren:0.27|沈:shen:0.27|姚:yao:0.26|卢:lu:0.26|姜:jiang:0.25|崔:cui:0.25|钟:zhong:0.24|谭:tan:0.24|陆:lu:0.23|汪:wang:0.23|范:fan:0.22|金:jin:0.22|石:shi:0.21|廖:liao:0.21|贾:jia:0.2|夏:xia:0.2|韦:wei:0.2|付:fu:0.2|方:fang:0.19|白:bai:0.19|邹:zou:0.19|孟:meng:0.18|熊:xiong:0.18|秦:qin:0.18|邱:qiu:0.17|江:jiang:0.17|尹:yin:0.16|薛:xue:0.16|闫:yan:0.15|段:duan:0.15|雷:lei:0.15|侯:hou:0.15|龙:long:0.14|史:shi:0.14|陶:tao:0.13|黎:li:0.13|贺:he:0.13|顾:gu:0.12|毛:mao:0.12|郝:hao:0.12|龚:gong:0.12|邵:shao:0.11|万:wan:0.11|钱:qian:0.11|严:yan:0.1|覃:qin:0.1|武:wu:0.1|戴:dai:0.1|莫:mo:0.1|孔:kong:0.1|向:xiang:0.1|汤:tang:0.1|欧阳:ouyang:0.04|司马:sima:0.01|诸葛:zhuge:0.01|上官:shangguan:0.01",
).map((s) => s.split(":"));
const CN_SURNAME_TABLE = weightTable(
  CN_SURNAMES.map(([han, py]) => [han, py]),
  CN_SURNAMES.map(([, , share]) => Number(share)),
);
// Whole given names, commonest first (the national lists of the most given names, all generations).
const CN_GIVEN_NAMES = list(
  "伟:wei|芳:fang|娜:na|秀英:xiuying|敏:min|静:jing|丽:li|强:qiang|磊:lei|军:jun|洋:yang|勇:yong|艳:yan|杰:jie|娟:juan|涛:tao|明:ming|超:chao|秀兰:xiulan|霞:xia|平:ping|刚:gang|桂英:guiying|华:hua|玉兰:yulan|萍:ping|红:hong|玲:ling|丹:dan|建华:jianhua|辉:hui|鹏:peng|燕:yan|飞:fei|鑫:xin|波:bo|斌:bin|宇:yu|浩:hao|凯:kai|健:jian|俊:jun|帆:fan|雪:xue|帅:shuai|慧:hui|婷:ting|建国:jianguo|建军:jianjun|海燕:haiyan|晓明:xiaoming|丽娟:lijuan|志强:zhiqiang|晓东:xiaodong|婷婷:tingting|子涵:zihan|浩然:haoran|梓萱:zixuan|一诺:yinuo|欣怡:xinyi|宇轩:yuxuan|俊杰:junjie|思远:siyuan|雨涵:yuhan|佳怡:jiayi|诗涵:shihan|明轩:mingxuan|晨曦:chenxi|雅静:yajing|志明:zhiming|国平:guoping|春梅:chunmei|淑珍:shuzhen|立新:lixin|海涛:haitao|红梅:hongmei|文静:wenjing|金凤:jinfeng|美玲:meiling|家豪:jiahao|伟强:weiqiang|秀珍:xiuzhen|桂兰:guilan|玉梅:yumei|志刚:zhigang|小红:xiaohong|晓燕:xiaoyan|建平:jianping|国强:guoqiang|丽华:lihua|宏伟:hongwei|雨桐:yutong|梓涵:zihan|若曦:ruoxi|子墨:zimo|奕辰:yichen|沐宸:muchen|欣妍:xinyan|嘉怡:jiayi|天佑:tianyou",
).map((s) => s.split(":"));
// Characters for the many two-character names the list above does not hold; the last ones are outside GB2312
// (in GBK and GB18030 only), as in real names (喆, 堃, 玥, …).
const CN_GIVEN_CHARS = list(
  "子:zi|梓:zi|浩:hao|宇:yu|轩:xuan|欣:xin|怡:yi|雨:yu|涵:han|思:si|佳:jia|嘉:jia|俊:jun|杰:jie|文:wen|明:ming|志:zhi|建:jian|国:guo|海:hai|晓:xiao|丽:li|秀:xiu|美:mei|玉:yu|春:chun|晨:chen|博:bo|天:tian|一:yi|诗:shi|雅:ya|若:ruo|家:jia|泽:ze|睿:rui|瑞:rui|鹏:peng|磊:lei|鑫:xin|婷:ting|颖:ying|琳:lin|萱:xuan|然:ran|航:hang|宁:ning|安:an|奕:yi|辰:chen|昊:hao|琪:qi|梦:meng|慧:hui|伟:wei|华:hua|平:ping|红:hong|军:jun|芳:fang|静:jing|敏:min|强:qiang|凯:kai|丹:dan|霞:xia|艳:yan|东:dong|兰:lan|新:xin|峰:feng|成:cheng|亮:liang|喆:zhe|堃:kun|玥:yue|珺:jun|赟:yun|镕:rong|燚:yi|犇:ben",
).map((s) => s.split(":"));
const CN_RARE_FROM = CN_GIVEN_CHARS.findIndex(([han]) => han === "喆");
const CN_GIVEN_TABLE = zipf(CN_GIVEN_NAMES, 0.6);
const CN_CHAR_TABLE = weightTable(
  CN_GIVEN_CHARS,
  CN_GIVEN_CHARS.map((_, i) => (i >= CN_RARE_FROM ? 0.15 : 1)),
);

// Formal names and their nicknames, both ways (a copy may carry either).
const NICKNAMES = Object.fromEntries(
  list(
    "William:Bill,Will,Billy,Liam|Robert:Bob,Rob,Bobby|Richard:Rick,Dick,Rich|James:Jim,Jimmy,Jamie|John:Jack,Johnny|Joseph:Joe,Joey|Thomas:Tom,Tommy|Charles:Charlie,Chuck|Christopher:Chris|Daniel:Dan,Danny|Matthew:Matt|Anthony:Tony|Michael:Mike,Mick|David:Dave|Steven:Steve|Stephen:Steve|Andrew:Andy,Drew|Edward:Ed,Eddie,Ted|Benjamin:Ben|Samuel:Sam|Alexander:Alex|Nicholas:Nick|Jonathan:Jon|Timothy:Tim|Kenneth:Ken|Gregory:Greg|Patrick:Pat|Peter:Pete|Ronald:Ron|Donald:Don|Lawrence:Larry|Gerald:Jerry|Raymond:Ray|Henry:Harry,Hank|Theodore:Ted,Theo|Philip:Phil|Frederick:Fred|Alfred:Alfie|Elizabeth:Liz,Beth,Betty,Eliza|Margaret:Peggy,Maggie,Meg|Katherine:Kate,Kathy,Katie|Catherine:Cathy,Kate|Jennifer:Jen,Jenny|Patricia:Pat,Patty,Trish|Susan:Sue|Deborah:Debbie,Deb|Rebecca:Becky|Victoria:Vicky|Samantha:Sam|Jessica:Jess|Christine:Chris|Abigail:Abby|Stephanie:Steph|Kimberly:Kim|Pamela:Pam|Cynthia:Cindy|Dorothy:Dot|Judith:Judy|Frances:Fran|Barbara:Barb|Kathleen:Kathy|Johannes:Hans|Maximilian:Max|Alexandra:Alex|Isabella:Bella|Eleanor:Ellie|Amelia:Millie",
  ).map((s) => {
    const [formal, nicks] = s.split(":");
    return [formal, nicks.split(",")];
  }),
);

// ---------------------------------------------------------------------------------------------------------------
// Places: cities with their state, phone area codes and postcodes (so that a row's postcode, city and landline
// agree), and street names.

const US_CITIES = [
  ["New York", "NY", [212, 646, 917, 332], [10001, 10040]],
  ["Brooklyn", "NY", [718, 347, 929], [11201, 11239]],
  ["Los Angeles", "CA", [213, 310, 323, 424, 818], [90001, 90089]],
  ["Chicago", "IL", [312, 773, 872], [60601, 60661]],
  ["Houston", "TX", [713, 281, 832], [77002, 77099]],
  ["Phoenix", "AZ", [602, 480], [85003, 85054]],
  ["Philadelphia", "PA", [215, 267], [19102, 19154]],
  ["San Antonio", "TX", [210, 726], [78201, 78260]],
  ["San Diego", "CA", [619, 858], [92101, 92154]],
  ["Dallas", "TX", [214, 469, 972], [75201, 75254]],
  ["Austin", "TX", [512, 737], [78701, 78759]],
  ["San Francisco", "CA", [415, 628], [94102, 94134]],
  ["Seattle", "WA", [206], [98101, 98199]],
  ["Denver", "CO", [303, 720], [80202, 80249]],
  ["Boston", "MA", [617, 857], [2108, 2137]],
  ["Nashville", "TN", [615, 629], [37201, 37250]],
  ["Portland", "OR", [503, 971], [97201, 97236]],
  ["Atlanta", "GA", [404, 470, 678], [30303, 30363]],
  ["Miami", "FL", [305, 786], [33125, 33199]],
  ["Minneapolis", "MN", [612], [55401, 55455]],
  ["Detroit", "MI", [313], [48201, 48239]],
];
const US_CITY_TABLE = zipf(US_CITIES, 0.6);
const US_STREETS = list(
  "Main|Oak|Pine|Maple|Cedar|Elm|Washington|Lake|Hill|Park|Second|Third|First|Fourth|Fifth|Sixth|Walnut|Spruce|Chestnut|Willow|Jefferson|Lincoln|Madison|Franklin|Jackson|Church|Center|Highland|Sunset|Ridge|River|Meadow|Forest|Spring|Broadway|Market|Mill|Union|Liberty|Adams|Cherry|Dogwood|Magnolia|Hickory|Birch|Laurel|Valley|Lakeview|Hillcrest|Woodland|Prospect|Grove|Locust|Sycamore|Poplar|College|Academy|Railroad|Mulberry|Bay|Harbor|Orchard|Quail|Cypress|Aspen|Juniper|Pleasant|Green|King|Wilson|Grant|Monroe|Martin Luther King Jr|Cesar Chavez|Peachtree|Mission|Valencia|Telegraph",
);
// [long, short] forms: exports carry either.
const US_SUFFIXES = [
  ["Street", "St"],
  ["Avenue", "Ave"],
  ["Road", "Rd"],
  ["Drive", "Dr"],
  ["Lane", "Ln"],
  ["Boulevard", "Blvd"],
  ["Court", "Ct"],
  ["Place", "Pl"],
  ["Way", "Way"],
  ["Terrace", "Ter"],
  ["Circle", "Cir"],
  ["Parkway", "Pkwy"],
];
const US_SUFFIX_TABLE = zipf(US_SUFFIXES, 1.1);
const US_DIRECTIONS = [
  ["North", "N"],
  ["South", "S"],
  ["East", "E"],
  ["West", "W"],
];

// [city, nation, landline area code (without the trunk 0) and subscriber digits, postcode areas [letters, districts]]
const GB_CITIES = [
  [
    "London",
    "England",
    ["20", 8, "378"],
    [
      ["E", 18],
      ["N", 22],
      ["NW", 11],
      ["SE", 28],
      ["SW", 20],
      ["W", 14],
      ["EC", 4],
      ["WC", 2],
    ],
  ],
  ["Birmingham", "England", ["121", 7, "234567"], [["B", 45]]],
  ["Manchester", "England", ["161", 7, "2345678"], [["M", 40]]],
  ["Leeds", "England", ["113", 7, "2345"], [["LS", 29]]],
  ["Glasgow", "Scotland", ["141", 7, "2345678"], [["G", 46]]],
  ["Liverpool", "England", ["151", 7, "2345678"], [["L", 36]]],
  ["Bristol", "England", ["117", 7, "2349"], [["BS", 16]]],
  ["Edinburgh", "Scotland", ["131", 7, "234567"], [["EH", 17]]],
  ["Sheffield", "England", ["114", 7, "2345"], [["S", 36]]],
  ["Cardiff", "Wales", ["29", 8, "2"], [["CF", 24]]],
  ["Belfast", "Northern Ireland", ["28", 8, "9"], [["BT", 17]]],
  ["Newcastle upon Tyne", "England", ["191", 7, "2345"], [["NE", 15]]],
];
const GB_CITY_TABLE = zipf(GB_CITIES, 0.9);
const GB_STREETS = list(
  "High|Station|Main|Park|Church|London|Victoria|Green|Manor|Kings|Queens|Grange|Mill|New|Alexandra|School|York|Windsor|Albert|Springfield|George|North|South|West|East|Chester|Richmond|Highfield|Oxford|Cambridge|Stanley|Beech|Elm|Ash|Willow|Meadow|Orchard|Broadway|Castle|Abbey|Bridge|Chapel|Marlborough|Wellington|Nelson|Trafalgar|St John's|St Mary's|Gladstone|Cromwell",
);
const GB_SUFFIXES = [
  ["Road", "Rd"],
  ["Street", "St"],
  ["Lane", "Ln"],
  ["Avenue", "Ave"],
  ["Close", "Cl"],
  ["Drive", "Dr"],
  ["Crescent", "Cres"],
  ["Gardens", "Gdns"],
  ["Terrace", "Terr"],
  ["Place", "Pl"],
  ["Way", "Way"],
  ["Square", "Sq"],
];
const GB_SUFFIX_TABLE = zipf(GB_SUFFIXES, 1);
// Mobile ranges in use (07xx): 0740-0759, 0771-0789, 0790, 0792-0799.
const GB_MOBILE_RANGES = list(
  "40|41|42|43|44|45|46|47|48|49|50|51|52|53|54|55|56|57|58|59|71|72|73|74|75|76|77|78|79|80|81|82|83|84|85|86|87|88|89|90|92|93|94|95|96|97|98|99",
);
const GB_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

// [city, state, landline area code and subscriber length, postcode range]
const DE_CITIES = [
  ["Berlin", "Berlin", ["30", 8], [10115, 14199]],
  ["Hamburg", "Hamburg", ["40", 8], [20095, 22769]],
  ["München", "Bayern", ["89", 8], [80331, 81929]],
  ["Köln", "Nordrhein-Westfalen", ["221", 7], [50667, 51149]],
  ["Frankfurt am Main", "Hessen", ["69", 8], [60306, 60599]],
  ["Stuttgart", "Baden-Württemberg", ["711", 7], [70173, 70629]],
  ["Düsseldorf", "Nordrhein-Westfalen", ["211", 7], [40210, 40629]],
  ["Leipzig", "Sachsen", ["341", 7], [4103, 4357]],
  ["Dortmund", "Nordrhein-Westfalen", ["231", 7], [44135, 44388]],
  ["Dresden", "Sachsen", ["351", 7], [1067, 1328]],
  ["Hannover", "Niedersachsen", ["511", 7], [30159, 30669]],
  ["Nürnberg", "Bayern", ["911", 7], [90402, 90491]],
];
const DE_CITY_TABLE = zipf(DE_CITIES, 0.8);
// Streets with their own ending (Straße, Weg, Platz, Allee, …); "Hauptstraße" is written "Hauptstr." as often.
const DE_STREETS = list(
  "Hauptstraße|Schulstraße|Gartenstraße|Bahnhofstraße|Dorfstraße|Bergstraße|Birkenweg|Lindenstraße|Kirchstraße|Waldstraße|Ringstraße|Schillerstraße|Goethestraße|Mozartstraße|Wiesenweg|Jahnstraße|Friedhofstraße|Am Markt|Am Bahnhof|Rosenweg|Buchenweg|Industriestraße|Feldstraße|Blumenstraße|Mühlenweg|Poststraße|Beethovenstraße|Uhlandstraße|Friedrichstraße|Kastanienallee|Lessingstraße|Marktplatz|Parkstraße|Talstraße|Am Sportplatz|Karl-Marx-Straße|Kurfürstendamm|Leopoldstraße|Königsallee|Schlossallee",
);
// [city, region, landline first digit (after the 0), postcodes: [first, last, step]]
const FR_CITIES = [
  ["Paris", "Île-de-France", "1", [75001, 75020, 1]],
  ["Marseille", "Provence-Alpes-Côte d'Azur", "4", [13001, 13016, 1]],
  ["Lyon", "Auvergne-Rhône-Alpes", "4", [69001, 69009, 1]],
  ["Toulouse", "Occitanie", "5", [31000, 31500, 100]],
  ["Nice", "Provence-Alpes-Côte d'Azur", "4", [6000, 6300, 100]],
  ["Nantes", "Pays de la Loire", "2", [44000, 44300, 100]],
  ["Montpellier", "Occitanie", "4", [34000, 34090, 10]],
  ["Strasbourg", "Grand Est", "3", [67000, 67200, 100]],
  ["Bordeaux", "Nouvelle-Aquitaine", "5", [33000, 33800, 100]],
  ["Lille", "Hauts-de-France", "3", [59000, 59800, 100]],
  ["Rennes", "Bretagne", "2", [35000, 35700, 100]],
];
const FR_CITY_TABLE = zipf(FR_CITIES, 0.8);
const FR_WAYS = [
  ["rue", "r."],
  ["avenue", "av."],
  ["boulevard", "bd"],
  ["place", "pl."],
  ["chemin", "ch."],
  ["allée", "all."],
  ["impasse", "imp."],
  ["quai", "quai"],
];
const FR_WAY_TABLE = zipf(FR_WAYS, 1.2);
const FR_STREETS = list(
  "de la Paix|Victor Hugo|Jean Jaurès|de la République|Pasteur|du Général de Gaulle|Gambetta|de la Gare|du Moulin|des Écoles|de l'Église|Jules Ferry|Voltaire|Émile Zola|de la Liberté|Carnot|Foch|des Lilas|du Château|Saint-Michel|de Verdun|Nationale|du Stade|des Acacias|Anatole France|Paul Bert|Louis Pasteur|Molière|de Paris|des Tilleuls|Sadi Carnot|Lafayette|Montmartre|de Rivoli|des Champs-Élysées",
);
// [city, province, landline area code (without 0), postcode prefix, districts]
const CN_CITIES = [
  ["北京", "北京市", "10", "100", list("朝阳区|海淀区|东城区|西城区|丰台区|通州区")],
  ["上海", "上海市", "21", "200", list("浦东新区|徐汇区|静安区|黄浦区|长宁区|闵行区")],
  ["广州", "广东省", "20", "510", list("天河区|越秀区|海珠区|白云区|番禺区")],
  ["深圳", "广东省", "755", "518", list("南山区|福田区|罗湖区|宝安区|龙岗区")],
  ["重庆", "重庆市", "23", "400", list("渝中区|江北区|南岸区|沙坪坝区")],
  ["成都", "四川省", "28", "610", list("武侯区|锦江区|青羊区|成华区|金牛区")],
  ["杭州", "浙江省", "571", "310", list("西湖区|上城区|拱墅区|滨江区|余杭区")],
  ["武汉", "湖北省", "27", "430", list("武昌区|江汉区|洪山区|汉阳区")],
  ["南京", "江苏省", "25", "210", list("鼓楼区|玄武区|秦淮区|建邺区")],
  ["西安", "陕西省", "29", "710", list("雁塔区|碑林区|未央区|新城区")],
  ["天津", "天津市", "22", "300", list("和平区|河西区|南开区|河东区")],
  ["苏州", "江苏省", "512", "215", list("姑苏区|工业园区|吴中区|相城区")],
];
const CN_CITY_TABLE = zipf(CN_CITIES, 0.7);
const CN_ROADS = list(
  "建国路|中山路|人民路|解放路|南京路|长安街|科技园路|天府大道|和平路|新华路|文化路|胜利路|友谊路|光明路|建设路|幸福路|青年路|北京路|东风路|朝阳路|花园路|学府路|延安路|淮海路|复兴路|江南大道|滨江路|黄河路|长江路|珠江路|迎宾路|工业路|世纪大道|金融街|望京街",
);
const CN_ESTATES = list("阳光|幸福|华府|花园|锦绣|翠苑|金色|万科|碧桂园|保利|绿地|恒大|紫金|明珠|东方|世纪");
const CN_MOBILE_PREFIXES = list(
  "130|131|132|133|134|135|136|137|138|139|150|151|152|153|155|156|157|158|159|166|176|177|178|180|181|182|183|184|185|186|187|188|189|191|193|195|198|199|135|136|137|138|139|186|188",
);

const COMPANIES = list(
  "Acme Corp:acme.com|Globex:globex.com|Initech:initech.com|Umbrella Ltd:umbrella.co.uk|Stark Industries:stark.com|Wayne Enterprises:wayne.com|Hooli:hooli.com|Contoso:contoso.com|Northwind Traders:northwind.com|Soylent Inc.:soylent.com|Vandelay Industries:vandelay.com|Cyberdyne Systems:cyberdyne.com|Tyrell Corp:tyrell.com|Wonka Industries:wonka.com|Oceanic Airlines:oceanic.com|Müller & Söhne GmbH:mueller-soehne.de|Société Générale de Fromages:sgf.fr|Brightside plc:brightside.co.uk|阿里巴巴:alibaba-inc.com|腾讯:tencent.com|华为:huawei.com|小米:xiaomi.com|比亚迪:byd.com",
).map((s) => s.split(":"));
const COMPANY_TABLE = zipf(COMPANIES, 0.9);

const DOMAINS = {
  US: zipf(
    list("gmail.com|yahoo.com|hotmail.com|outlook.com|icloud.com|aol.com|comcast.net|msn.com|live.com|att.net|proton.me|verizon.net"),
    1.1,
  ),
  GB: zipf(
    list("gmail.com|hotmail.co.uk|yahoo.co.uk|outlook.com|btinternet.com|live.co.uk|sky.com|icloud.com|virginmedia.com|aol.co.uk"),
    1,
  ),
  DE: zipf(list("gmail.com|web.de|gmx.de|t-online.de|outlook.de|yahoo.de|gmx.net|freenet.de|icloud.com|posteo.de"), 0.9),
  FR: zipf(list("gmail.com|orange.fr|hotmail.fr|free.fr|yahoo.fr|laposte.net|sfr.fr|outlook.fr|wanadoo.fr|icloud.com"), 0.9),
  CN: zipf(list("qq.com|163.com|126.com|sina.com|gmail.com|outlook.com|foxmail.com|139.com|yeah.net|sohu.com|hotmail.com"), 1),
};
const COUNTRY_NAMES = {
  US: [list("USA|United States|US|United States of America|usa"), [0.4, 0.3, 0.2, 0.05, 0.05]],
  CN: [list("China|中国|CN|PRC|中华人民共和国"), [0.45, 0.4, 0.1, 0.03, 0.02]],
  GB: [list("United Kingdom|UK|GB|England|Great Britain"), [0.45, 0.35, 0.1, 0.07, 0.03]],
  DE: [list("Germany|Deutschland|DE|DEU"), [0.5, 0.35, 0.12, 0.03]],
  FR: [list("France|FR|FRA|france"), [0.8, 0.12, 0.05, 0.03]],
};
const COUNTRY_TABLES = Object.fromEntries(Object.entries(COUNTRY_NAMES).map(([c, [names, w]]) => [c, weightTable(names, w)]));
/** What roster's country normalizer makes of each written form (for benchmarks that need the region). */
export const COUNTRY_OF = Object.fromEntries(
  Object.entries(COUNTRY_NAMES).flatMap(([code, [names]]) => names.map((name) => [name.toLowerCase(), code])),
);

// QWERTY neighbours, for typos.
const KEYBOARD = (() => {
  const rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
  const near = {};
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < rows[r].length; c++) {
      const n = [rows[r][c - 1], rows[r][c + 1], rows[r - 1]?.[c], rows[r - 1]?.[c + 1], rows[r + 1]?.[c], rows[r + 1]?.[c - 1]];
      near[rows[r][c]] = n.filter(Boolean).join("");
    }
  }
  return near;
})();

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const pad = (n, width) => String(n).padStart(width, "0");
const ascii = (s) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/[^a-z]/g, ""); // "O'Brien" -> "obrien", "Zoë" -> "zoe"
const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const FULL_WIDTH_DIGITS = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));

// RFC 4180: quote only when needed, doubling any inner quotes.
function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

let toTraditional;
/** 张伟 → 張偉 (Taiwan standard), loaded on first use. */
function traditional(text) {
  toTraditional ??= OpenCC.Converter({ from: "cn", to: "tw" });
  return toTraditional(text);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (y, m) => (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS_IN_MONTH[m - 1]);

// ---------------------------------------------------------------------------------------------------------------
// People

const COUNTRY_MIX = { US: 0.4, CN: 0.25, GB: 0.15, DE: 0.1, FR: 0.1 };

class World {
  constructor(r, options) {
    this.r = r;
    this.options = options;
    this.seen = new Seen();
    const codes = Object.keys(options.countries);
    this.countryTable = weightTable(
      codes,
      codes.map((c) => options.countries[c]),
    );
    this.recent = []; // people who can get a household member
  }

  /** A value of `make()` that no one has yet (by `key`); gives up after a few draws (a Bloom false positive). */
  fresh(make, key = (v) => v) {
    let value = make();
    for (let i = 0; i < 8 && this.seen.testAndAdd(key(value)); i++) value = make();
    return value;
  }

  /** The person's city, drawn once: phone area code, postcode and street agree with it. */
  cityOf(p, table) {
    if (!p.city) p.city = this.r.weighted(table);
    return p.city;
  }

  person(id) {
    const { r } = this;
    const household = this.recent.length > 0 && r.chance(this.options.households) ? r.pick(this.recent) : undefined;
    const country = household ? household.country : r.weighted(this.countryTable);
    const sex = r.chance(0.5) ? "male" : "female";
    const p = { id, country, sex, cn: country === "CN", city: household?.city };
    if (p.cn) {
      const [family, familyPy] = household ? [household.family, household.familyPy] : r.weighted(CN_SURNAME_TABLE);
      let given;
      let givenPy;
      if (r.chance(0.55)) [given, givenPy] = r.weighted(CN_GIVEN_TABLE);
      else {
        const a = r.weighted(CN_CHAR_TABLE);
        const b = r.weighted(CN_CHAR_TABLE);
        [given, givenPy] = [a[0] + b[0], a[1] + b[1]];
      }
      Object.assign(p, { family, familyPy, given, givenPy, hant: r.chance(0.06) });
    } else {
      const names = NAME_TABLES[country];
      p.given = r.weighted(names[sex]);
      p.family = household ? household.family : r.weighted(names.family);
      if (country === "US" && r.chance(0.25)) p.middle = r.weighted(names[r.chance(0.5) ? "male" : "female"]);
    }
    const age = 18 + Math.floor(((r.next() + r.next() + r.next()) / 3) * 72); // 18-89, most in middle age
    const y = 2026 - age;
    const m = r.int(1, 12);
    p.dob = [y, m, r.int(1, daysIn(y, m))];
    p.company = r.chance(0.35) ? r.weighted(COMPANY_TABLE) : undefined;
    p.phone = this.fresh(
      () => this.phoneOf(p),
      (ph) => ph.e164,
    );
    p.email = this.newEmail(p);
    p.address = household
      ? household.address
      : this.fresh(
          () => this.addressOf(p),
          (a) => a.key,
        );
    this.recent.push(p);
    if (this.recent.length > 64) this.recent.shift();
    return p;
  }

  // A phone: country code, national significant number split into its written groups, and kind.
  phoneOf(p) {
    const { r } = this;
    const mobile = r.chance(p.cn ? 0.85 : 0.6);
    switch (p.country) {
      case "CN": {
        if (mobile) {
          const n = r.pick(CN_MOBILE_PREFIXES) + r.digits(8);
          return { cc: "86", e164: `+86${n}`, groups: [n.slice(0, 3), n.slice(3, 7), n.slice(7)], trunk: "", mobile };
        }
        const [, , area] = this.cityOf(p, CN_CITY_TABLE);
        const sub = String(r.int(2, 6)) + r.digits(7);
        return { cc: "86", e164: `+86${area}${sub}`, groups: [area, sub.slice(0, 4), sub.slice(4)], trunk: "0", mobile };
      }
      case "US": {
        const [, , areas] = this.cityOf(p, US_CITY_TABLE);
        const area = String(r.pick(areas));
        let exchange;
        do exchange = String(r.int(201, 999));
        while (exchange[1] === "1" && exchange[2] === "1");
        if (exchange === "555") exchange = "556";
        const line = r.digits(4);
        return { cc: "1", e164: `+1${area}${exchange}${line}`, groups: [area, exchange, line], trunk: "", mobile };
      }
      case "GB": {
        if (mobile) {
          const n = `7${r.pick(GB_MOBILE_RANGES)}${r.digits(7)}`;
          return { cc: "44", e164: `+44${n}`, groups: [n.slice(0, 4), n.slice(4)], trunk: "0", mobile };
        }
        const [, , [area, length, firsts]] = this.cityOf(p, GB_CITY_TABLE);
        const sub = r.pick(firsts) + r.digits(length - 1);
        const groups = length === 8 ? [area, sub.slice(0, 4), sub.slice(4)] : [area, sub.slice(0, 3), sub.slice(3)];
        return { cc: "44", e164: `+44${area}${sub}`, groups, trunk: "0", mobile };
      }
      case "DE": {
        if (mobile) {
          const prefix = r.pick(["151", "152", "157", "160", "162", "170", "171", "172", "173", "175", "176", "177", "178", "179"]);
          const sub = r.digits(prefix.startsWith("15") || prefix === "176" ? 8 : 7);
          return { cc: "49", e164: `+49${prefix}${sub}`, groups: [prefix, sub], trunk: "0", mobile };
        }
        const [, , [area, length]] = this.cityOf(p, DE_CITY_TABLE);
        const sub = String(r.int(2, 9)) + r.digits(length - 1);
        return { cc: "49", e164: `+49${area}${sub}`, groups: [area, sub], trunk: "0", mobile };
      }
      default: {
        // FR
        const [, , first] = this.cityOf(p, FR_CITY_TABLE);
        // mobiles 06 (not 063x, 069x) and 073-079; landlines 0X1-0X5
        const n = mobile ? (r.chance(0.7) ? `6${r.pick("01245678")}` : `7${r.int(3, 9)}`) + r.digits(7) : first + r.int(1, 5) + r.digits(7);
        return { cc: "33", e164: `+33${n}`, groups: [n[0], n.slice(1, 3), n.slice(3, 5), n.slice(5, 7), n.slice(7)], trunk: "0", mobile };
      }
    }
  }

  /** An email no one else has: a few draws, then digits added, as the provider would insist. */
  newEmail(p) {
    for (let i = 0; i < 6; i++) {
      const email = this.emailOf(p);
      if (!this.seen.testAndAdd(email.toLowerCase())) return email;
    }
    const email = this.emailOf(p);
    const at = email.indexOf("@");
    return this.fresh(
      () => `${email.slice(0, at)}${this.r.int(10, 99999)}${email.slice(at)}`,
      (e) => e.toLowerCase(),
    );
  }

  emailOf(p) {
    const { r } = this;
    let first;
    let last;
    if (p.cn) {
      if (r.chance(0.3)) return `${r.int(1, 9)}${r.digits(r.int(5, 9))}@qq.com`; // QQ numbers
      [first, last] = r.chance(0.7) ? [p.familyPy, p.givenPy] : [p.givenPy, p.familyPy];
    } else {
      first = ascii(p.given);
      last = ascii(p.family);
    }
    const year = String(p.dob[0]);
    const digits = () => r.pick([String(r.int(1, 99)), year, year.slice(2), String(r.int(100, 999))]);
    const w = r.next();
    let local;
    if (w < 0.26) local = `${first}.${last}`;
    else if (w < 0.4) local = `${first[0]}${last}`;
    else if (w < 0.52) local = `${first}${digits()}`;
    else if (w < 0.64) local = `${first}${last}`;
    else if (w < 0.72) local = `${first}_${last}`;
    else if (w < 0.78) local = `${last}.${first}`;
    else if (w < 0.84) local = `${first}.${last}${digits()}`;
    else if (w < 0.9) local = `${first[0]}.${last}`;
    else if (w < 0.95) local = `${last}${first[0]}${digits()}`;
    else local = `${first}${last}${digits()}`;
    const domain = p.company && r.chance(0.35) ? p.company[1] : r.weighted(DOMAINS[p.country]);
    return `${local}@${domain}`;
  }

  // An address: its parts (written per record) and a key that says which dwelling it is.
  addressOf(p) {
    const { r } = this;
    switch (p.country) {
      case "US": {
        const city = this.cityOf(p, US_CITY_TABLE);
        const [lo, hi] = city[3];
        const a = {
          city,
          num: String(r.chance(0.7) ? r.int(1, 9999) : r.int(10000, 29999)),
          dir: r.chance(0.15) ? r.pick(US_DIRECTIONS) : undefined,
          street: r.pick(US_STREETS),
          suffix: r.weighted(US_SUFFIX_TABLE),
          unit: r.chance(0.3) ? String(r.chance(0.5) ? r.int(1, 40) : `${r.int(1, 30)}${r.pick(["A", "B", "C", "D"])}`) : undefined,
          postcode: pad(r.int(lo, hi), 5),
        };
        a.key = `US|${a.num}|${a.dir?.[0] ?? ""}|${a.street}|${a.suffix[0]}|${a.unit ?? ""}|${a.postcode}`;
        return a;
      }
      case "GB": {
        const city = this.cityOf(p, GB_CITY_TABLE);
        const [letters, districts] = r.pick(city[3]);
        const a = {
          city,
          num: String(r.int(1, 250)),
          flat: r.chance(0.15) ? `Flat ${r.int(1, 24)}` : undefined,
          street: r.pick(GB_STREETS),
          suffix: r.weighted(GB_SUFFIX_TABLE),
          postcode: `${letters}${r.int(1, districts)} ${r.int(1, 9)}${r.pick(GB_INWARD_LETTERS)}${r.pick(GB_INWARD_LETTERS)}`,
        };
        a.key = `GB|${a.flat ?? ""}|${a.num}|${a.street}|${a.suffix[0]}|${a.postcode}`;
        return a;
      }
      case "DE": {
        const city = this.cityOf(p, DE_CITY_TABLE);
        const [lo, hi] = city[3];
        const a = {
          city,
          street: r.pick(DE_STREETS),
          num: `${r.int(1, 180)}${r.chance(0.08) ? r.pick(["a", "b", "c"]) : ""}`,
          postcode: pad(r.int(lo, hi), 5),
        };
        a.key = `DE|${a.street}|${a.num}|${a.postcode}`;
        return a;
      }
      case "FR": {
        const city = this.cityOf(p, FR_CITY_TABLE);
        const [lo, hi, step] = city[3];
        const a = {
          city,
          num: `${r.int(1, 150)}${r.chance(0.05) ? r.pick([" bis", " ter"]) : ""}`,
          way: r.weighted(FR_WAY_TABLE),
          street: r.pick(FR_STREETS),
          postcode: pad(lo + step * r.int(0, (hi - lo) / step), 5),
        };
        a.key = `FR|${a.num}|${a.way[0]}|${a.street}|${a.postcode}`;
        return a;
      }
      default: {
        const city = this.cityOf(p, CN_CITY_TABLE);
        const a = {
          city,
          district: r.pick(city[4]),
          road: r.pick(CN_ROADS),
          num: String(r.int(1, 999)),
          unit: r.chance(0.7)
            ? r.chance(0.5)
              ? [`${r.pick(CN_ESTATES)}小区`, `${r.int(1, 30)}号楼`, `${r.int(1, 6)}单元`, `${r.int(1, 33)}${pad(r.int(1, 4), 2)}室`]
              : ["", `${r.int(1, 20)}栋`, "", `${r.int(1, 28)}${pad(r.int(1, 8), 2)}`]
            : undefined,
          postcode: city[3] + pad(r.int(0, 99), 2) + r.int(0, 9),
        };
        a.key = `CN|${city[0]}|${a.district}|${a.road}|${a.num}|${a.unit?.join("") ?? ""}`;
        return a;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing a person as one record of one source, and the corruptions a copy goes through.

const CORRUPTIONS = [
  ["typo", 0.3],
  ["nickname", 0.12],
  ["swapNames", 0.06],
  ["phoneFormat", 0.3],
  ["phoneDigit", 0.06],
  ["noPhone", 0.07],
  ["emailVariant", 0.18],
  ["otherEmail", 0.08],
  ["noEmail", 0.07],
  ["addressAbbreviation", 0.3],
  ["addressTypo", 0.06],
  ["moved", 0.04],
  ["noAddress", 0.05],
  ["dobSwap", 0.05],
  ["dobDigit", 0.04],
  ["noDob", 0.07],
  ["noCountry", 0.03],
  ["noCity", 0.04],
  ["chineseScript", 0.25],
];

/** One typo in a Latin word: keyboard neighbour, transposition, dropped or doubled letter. */
function typo(r, word) {
  if (word.length < 3 || /[^\x00-\x7f]/.test(word)) return word;
  const i = r.int(1, word.length - 2);
  const c = word[i];
  switch (r.int(0, 3)) {
    case 0: {
      const near = KEYBOARD[c.toLowerCase()];
      if (!near) return word;
      const n = r.pick(near);
      return word.slice(0, i) + (c === c.toUpperCase() ? n.toUpperCase() : n) + word.slice(i + 1);
    }
    case 1:
      return word.slice(0, i) + word[i + 1] + c + word.slice(i + 2);
    case 2:
      return word.slice(0, i) + word.slice(i + 1);
    default:
      return word.slice(0, i) + c + word.slice(i);
  }
}

/** How a source writes dates: ISO, its slash order, compact; Chinese rows also 1990年3月4日. */
function writeDate(r, [y, m, d], source, cn) {
  if (cn && r.chance(0.25)) return r.chance(0.5) ? `${y}年${m}月${d}日` : `${y}/${pad(m, 2)}/${pad(d, 2)}`;
  const w = r.next();
  if (w < source.iso) return `${y}-${pad(m, 2)}-${pad(d, 2)}`;
  if (w < source.iso + 0.08) return `${y}${pad(m, 2)}${pad(d, 2)}`;
  const [a, b] = source.dateOrder === "dmy" ? [d, m] : [m, d];
  const sep = source.dateOrder === "dmy" && r.chance(0.3) ? "." : "/";
  return r.chance(0.8) ? `${pad(a, 2)}${sep}${pad(b, 2)}${sep}${y}` : `${a}${sep}${b}${sep}${y}`;
}

function writePhone(r, ph, country) {
  const g = ph.groups;
  const all = g.join("");
  const national = ph.trunk + all;
  switch (country) {
    case "US":
      return r.pick([
        `(${g[0]}) ${g[1]}-${g[2]}`,
        `(${g[0]}) ${g[1]}-${g[2]}`,
        `${g[0]}-${g[1]}-${g[2]}`,
        `${g[0]}.${g[1]}.${g[2]}`,
        `+1 ${g[0]} ${g[1]} ${g[2]}`,
        `+1-${g[0]}-${g[1]}-${g[2]}`,
        all,
        `1 (${g[0]}) ${g[1]}-${g[2]}`,
        `+1 (${g[0]}) ${g[1]}-${g[2]}`,
        `+1${all}`,
      ]);
    case "CN":
      if (ph.mobile)
        return r.pick([
          all,
          all,
          `+86 ${g[0]}-${g[1]}-${g[2]}`,
          `${g[0]} ${g[1]} ${g[2]}`,
          `${g[0]}-${g[1]}-${g[2]}`,
          `+86${all}`,
          `+86 ${g[0]} ${g[1]} ${g[2]}`,
          `0086 ${all}`,
          `86-${all}`,
        ]);
      return r.pick([
        `0${g[0]}-${g[1]}${g[2]}`,
        `(0${g[0]}) ${g[1]} ${g[2]}`,
        `+86 ${g[0]} ${g[1]}${g[2]}`,
        `0${all}`,
        `+86-${g[0]}-${g[1]}${g[2]}`,
      ]);
    case "GB":
      return r.pick([
        `0${g.join(" ")}`,
        `0${g.join(" ")}`,
        national,
        `+44 ${g.join(" ")}`,
        `+44 (0)${g.join(" ")}`,
        `0044 ${g.join(" ")}`,
        `+44${all}`,
        `(0${g[0]}) ${g.slice(1).join(" ")}`,
      ]);
    case "DE":
      return r.pick([
        `0${g[0]} ${g[1]}`,
        `0${g[0]}/${g[1]}`,
        `(0${g[0]}) ${g[1]}`,
        `+49 ${g[0]} ${g[1]}`,
        `+49 (0)${g[0]} ${g[1]}`,
        `0049 ${g[0]} ${g[1]}`,
        `0${g[0]}-${g[1]}`,
        `+49${all}`,
        national,
      ]);
    default:
      return r.pick([
        `0${g.join(" ")}`,
        `0${g.join(" ")}`,
        `0${g.join(".")}`,
        national,
        `+33 ${g.join(" ")}`,
        `+33 (0)${g.join(" ")}`,
        `0033 ${g.join(" ")}`,
        `+33${all}`,
        `0${g.join("-")}`,
      ]);
  }
}

/** One digit of the number changed (the last group's, so it stays a plausible number). */
function digitOff(r, ph) {
  const groups = [...ph.groups];
  const last = groups[groups.length - 1];
  const i = r.int(0, last.length - 1);
  groups[groups.length - 1] = last.slice(0, i) + ((Number(last[i]) + r.int(1, 9)) % 10) + last.slice(i + 1);
  return { ...ph, groups, e164: `+${ph.cc}${groups.join("")}` };
}

function writeStreet(r, a, country, abbreviate) {
  switch (country) {
    case "US": {
      if (r.chance(1 / 2000)) return `${a.num} "Old Mill" Rd`; // the rare quote exercises CSV quoting
      if (r.chance(1 / 5000)) return `${a.num} ${a.street} St\nBlock B`; // and the odd embedded newline
      const short = abbreviate ?? r.chance(0.65);
      const dir = a.dir ? `${a.dir[short ? 1 : 0]} ` : "";
      const street = `${a.num} ${dir}${a.street} ${a.suffix[short ? 1 : 0]}`;
      if (!a.unit) return street;
      return r.pick([`${street}, Apt ${a.unit}`, `${street} Apt ${a.unit}`, `${street} #${a.unit}`, `${street}, Unit ${a.unit}`]);
    }
    case "GB": {
      const short = abbreviate ?? r.chance(0.3);
      const street = `${a.num} ${a.street} ${a.suffix[short ? 1 : 0]}`;
      return a.flat ? `${a.flat}, ${street}` : street;
    }
    case "DE": {
      const short = abbreviate ?? r.chance(0.3);
      const name = short ? a.street.replace(/straße$/, "str.").replace(/Straße$/, "Str.") : a.street;
      return `${r.chance(0.05) ? name.replace("ß", "ss") : name} ${a.num}`;
    }
    case "FR": {
      const short = abbreviate ?? r.chance(0.25);
      return `${a.num}${r.chance(0.3) ? "," : ""} ${a.way[short ? 1 : 0]} ${a.street}`;
    }
    default: {
      const u = a.unit ? a.unit.join("") : "";
      const cityPrefix = r.chance(0.15) ? `${a.city[1] === `${a.city[0]}市` ? "" : a.city[1]}${a.city[0]}市` : "";
      const text = `${cityPrefix}${a.district}${a.road}${a.num}号${u}`;
      return abbreviate ? `${a.road}${a.num}号${u}` : text; // "abbreviated": the district left out
    }
  }
}

function writeEmail(r, email, variant) {
  if (!variant) return r.chance(0.01) ? email.toUpperCase() : email; // some exports shout
  const at = email.indexOf("@");
  const [local, domain] = [email.slice(0, at), email.slice(at + 1)];
  switch (r.int(0, 3)) {
    case 0:
      return email.replace(/^./, (c) => c.toUpperCase()).replace(/\.(\w)/, (_, c) => `.${c.toUpperCase()}`);
    case 1:
      return `${local}+${r.pick(["shop", "news", "orders", "spam", "2024"])}@${domain}`;
    case 2:
      return local.includes(".") ? `${local.replace(".", "")}@${domain}` : `${local.slice(0, 2)}.${local.slice(2)}@${domain}`;
    default:
      return email.toUpperCase();
  }
}

/** The fields of one record of person `p` in `source`; a copy (copy > 0) gets corruptions. */
function recordFields(r, world, p, source, copy) {
  const c = new Set();
  if (copy > 0) {
    // At least one corruption per copy, usually two or three: no two records of a person agree on everything.
    for (const [name, chance] of CORRUPTIONS) if (r.chance(chance)) c.add(name);
    if (c.size === 0) c.add(r.pick(["typo", "phoneFormat", "addressAbbreviation", "emailVariant", "noDob"]));
  } else {
    // Originals are not perfect either: exports lose fields.
    if (r.chance(0.02)) c.add("noPhone");
    if (r.chance(0.03)) c.add("noEmail");
    if (r.chance(0.04)) c.add("noDob");
    if (r.chance(0.01)) c.add("noAddress");
  }
  // Given and family name as written.
  let first;
  let last;
  if (p.cn) {
    const script = c.has("chineseScript") ? r.int(0, 3) : -1;
    const hant = script === 0 ? !p.hant : p.hant;
    const [g, f] = hant ? [traditional(p.given), traditional(p.family)] : [p.given, p.family];
    if (script === 1 || (copy === 0 && r.chance(0.04))) {
      // pinyin, the way international shops get it
      [first, last] = [capitalize(p.givenPy), r.chance(0.3) ? p.familyPy.toUpperCase() : capitalize(p.familyPy)];
    } else if (script === 2 || (copy === 0 && r.chance(0.03))) {
      [first, last] = [f + g, ""]; // the whole name in the given-name column
    } else [first, last] = [g, f];
    if (c.has("swapNames")) [first, last] = [last, first];
  } else {
    first = p.middle && r.chance(0.1) ? `${p.given} ${p.middle[0]}.` : p.given;
    last = p.family;
    const nicks = NICKNAMES[p.given];
    if (c.has("nickname") && nicks) first = r.pick(nicks);
    else if (c.has("nickname") && r.chance(0.3)) first = `${p.given[0]}.`;
    if (c.has("typo") && r.chance(0.5)) first = typo(r, first);
    else if (c.has("typo")) last = typo(r, last);
    if (c.has("swapNames")) [first, last] = [last, first];
    if (r.chance(0.01)) [first, last] = [first.toUpperCase(), last.toUpperCase()];
  }
  const country = p.country;
  const a = c.has("moved") ? world.addressOf(p) : p.address;
  let phone = "";
  if (!c.has("noPhone")) {
    const ph = c.has("phoneDigit") ? digitOff(r, p.phone) : p.phone;
    if (r.chance(0.002)) phone = r.pick(["n/a", "000-000-0000", "123", "none", "-"]);
    else phone = writePhone(r, ph, country);
    if (r.chance(p.cn ? 0.03 : 0.003)) phone = FULL_WIDTH_DIGITS(phone);
  }
  let email = "";
  if (!c.has("noEmail")) email = writeEmail(r, c.has("otherEmail") ? world.newEmail(p) : p.email, c.has("emailVariant"));
  const dob = c.has("noDob")
    ? ""
    : writeDate(
        r,
        c.has("dobSwap") && p.dob[2] <= 12 && p.dob[1] !== p.dob[2]
          ? [p.dob[0], p.dob[2], p.dob[1]]
          : c.has("dobDigit")
            ? [p.dob[0] + r.pick([-10, -1, 1, 10]), p.dob[1], p.dob[2]]
            : p.dob,
        source,
        p.cn,
      );
  let street = "";
  let city = "";
  let state = "";
  let postcode = "";
  if (!c.has("noAddress")) {
    street = writeStreet(r, a, country, c.has("addressAbbreviation") ? true : undefined);
    if (c.has("addressTypo")) street = street.replace(/[A-Za-z]{4,}/, (w) => typo(r, w));
    city = a.city[0];
    state = a.city[1];
    postcode = a.postcode;
    if (country === "GB" && r.chance(0.3)) postcode = postcode.replace(" ", "");
    if (country === "CN" && r.chance(0.03)) postcode = FULL_WIDTH_DIGITS(postcode);
    if (c.has("noCity")) city = "";
    if (r.chance(0.02)) city = city.toUpperCase();
  }
  const countryText = c.has("noCountry") ? "" : r.weighted(COUNTRY_TABLES[country]);
  const fields = [first, last, email, phone, dob, street, city, state, postcode, countryText, p.company?.[0] ?? ""];
  // No copy equals the first record (the corruptions drawn can all be no-ops, e.g. a typo in a Chinese name):
  // such a copy loses a field instead. The first record is kept only while copies are pending.
  const signature = fields.join("\u0000");
  if (copy === 0) p.first = signature;
  else if (signature === p.first) {
    const filled = [2, 3, 4, 5].filter((i) => fields[i] !== "");
    fields[filled.length ? r.pick(filled) : 0] = "";
  }
  return fields;
}

const START = Date.UTC(2015, 0, 1);
const SPAN = Date.UTC(2026, 0, 1) - START;

function createdAt(r) {
  // Whole seconds only: matches typical export timestamps and keeps lines short.
  return new Date(START + r.int(0, SPAN / 1000 - 1) * 1000).toISOString().replace(".000Z", "Z");
}

// ---------------------------------------------------------------------------------------------------------------
// The record stream

/** Export settings of a source: how its system writes dates (one slash order per export, as real systems do). */
const SOURCE_STYLES = [
  { dateOrder: "mdy", iso: 0.45 },
  { dateOrder: "dmy", iso: 0.3 },
  { dateOrder: "mdy", iso: 0.9 },
];

/** A binary min-heap of copies waiting for their row, by row then by order of scheduling. */
class Pending {
  items = [];
  get size() {
    return this.items.length;
  }
  less(a, b) {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }
  push(item) {
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }
  peek() {
    return this.items[0];
  }
  pop() {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const rr = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (rr < h.length && this.less(h[rr], h[m])) m = rr;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

export const DEFAULTS = {
  seed: 42,
  dupShare: 0.15,
  maxCopies: 4,
  spread: 100_000,
  households: 0.02,
  sources: ["crm"],
  countries: COUNTRY_MIX,
};

function resolve(options) {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (!Number.isInteger(o.rows) || o.rows < 0) throw new Error("rows must be a whole number >= 0");
  if (!(o.dupShare >= 0 && o.dupShare <= 1)) throw new Error("dupShare must be between 0 and 1");
  if (!Number.isInteger(o.maxCopies) || o.maxCopies < 2) throw new Error("maxCopies must be a whole number >= 2");
  if (!o.sources.length) throw new Error("at least one source");
  return o;
}

/**
 * The records, in file order: { recordId, personId, source, copy, fields (COLUMNS order), person }. `person`
 * holds the canonical values (phone.e164, email, address.key, dob) for tests and statistics.
 */
export function* customerRecords(options) {
  const o = resolve(options);
  const r = makeRng(o.seed);
  const world = new World(r, o);
  const pending = new Pending();
  const styles = o.sources.map((_, i) => SOURCE_STYLES[i % SOURCE_STYLES.length]);
  let people = 0;
  let seq = 0;
  for (let i = 1; i <= o.rows; i++) {
    const remaining = o.rows - i + 1;
    let person;
    let copy;
    let sourceIndex;
    const top = pending.peek();
    if (top && (top.due <= i || pending.size >= remaining)) {
      ({ person, copy, sourceIndex } = pending.pop());
    } else {
      person = world.person(++people);
      copy = 0;
      sourceIndex = r.int(0, o.sources.length - 1);
      if (r.chance(o.dupShare)) {
        // 2 copies most often, then 3, 4, …
        let copies = 2;
        while (copies < o.maxCopies && r.chance(0.35)) copies++;
        let from = sourceIndex;
        for (let k = 1; k < copies; k++) {
          // mostly in another source, as when a CRM, a shop and a helpdesk each know the person
          const other = o.sources.length > 1 && r.chance(0.8) ? (from + r.int(1, o.sources.length - 1)) % o.sources.length : from;
          pending.push({ due: i + r.int(1, Math.max(1, Math.min(o.spread, o.rows - i))), seq: seq++, person, copy: k, sourceIndex: other });
          from = other;
        }
      }
    }
    const fields = recordFields(r, world, person, styles[sourceIndex], copy);
    yield {
      recordId: `C${pad(i, 7)}`,
      personId: `P${pad(person.id, 7)}`,
      source: o.sources[sourceIndex],
      copy,
      fields: [`C${pad(i, 7)}`, ...fields, createdAt(r)],
      person,
    };
  }
}

/** Lines of one CSV holding every source's records (the header first). */
export function* customerLines(options) {
  yield `${HEADER}\n`;
  for (const record of customerRecords(options)) yield `${record.fields.map(csvField).join(",")}\n`;
}

const BATCH_CHARS = 64 * 1024;

class BatchedWriter {
  constructor(path) {
    this.out = createWriteStream(path);
    this.failed = once(this.out, "error").then(([err]) => {
      throw err;
    });
    this.failed.catch(() => {}); // surfaced via Promise.race below; avoid an unhandled rejection
    this.batch = "";
  }
  /** Joining lines into ~64 KiB strings avoids per-line write() overhead. Returns a promise when full. */
  write(line) {
    this.batch += line;
    if (this.batch.length < BATCH_CHARS) return undefined;
    const ok = this.out.write(this.batch);
    this.batch = "";
    return ok ? undefined : Promise.race([once(this.out, "drain"), this.failed]);
  }
  async end() {
    this.out.end(this.batch);
    await Promise.race([once(this.out, "close"), this.failed]);
    return this.out.bytesWritten;
  }
}

/** Where the data of `source` goes when there are several (customers.csv → customers-shop.csv), and the truth. */
export function sourcePath(path, source) {
  return path.replace(/(\.csv)?$/i, `-${source}.csv`);
}
export function truthPath(path) {
  return path.replace(/(\.csv)?$/i, ".truth.csv");
}

/**
 * Writes the records as CSV to `path` (one source) or to one file per source (`sourcePath`), and the ground
 * truth (`record_id,person_id,source`) to `truthPath(path)` unless `truth: false`. With `stats: true`, also
 * counts distinct values (memory grows with the rows then).
 */
export async function writeCustomersCsv(path, { truth = true, stats = false, ...options }) {
  const o = resolve(options);
  const several = o.sources.length > 1;
  const writers = new Map(o.sources.map((s) => [s, new BatchedWriter(several ? sourcePath(path, s) : path)]));
  for (const w of writers.values()) w.write(`${HEADER}\n`);
  const truthWriter = truth ? new BatchedWriter(truthPath(path)) : undefined;
  truthWriter?.write("record_id,person_id,source\n");
  const counter = stats ? new Stats() : undefined;
  for (const record of customerRecords(o)) {
    const wait = writers.get(record.source).write(`${record.fields.map(csvField).join(",")}\n`);
    if (wait) await wait;
    const waitTruth = truthWriter?.write(`${record.recordId},${record.personId},${record.source}\n`);
    if (waitTruth) await waitTruth;
    counter?.add(record);
  }
  let bytes = 0;
  for (const w of writers.values()) bytes += await w.end();
  await truthWriter?.end();
  return {
    rows: o.rows,
    bytes,
    files: several ? o.sources.map((s) => sourcePath(path, s)) : [path],
    truth: truth ? truthPath(path) : undefined,
    stats: counter?.summary(),
  };
}

/** Distinct values of a generated set, as a benchmark needs to state them. */
export class Stats {
  records = 0;
  people = new Map(); // person id → records
  sets = {
    phone: new Set(),
    phoneE164: new Set(),
    email: new Set(),
    street: new Set(),
    address: new Set(),
    name: new Set(),
    dob: new Set(),
  };
  add(record) {
    const [, first, last, email, phone, dob, street, , , postcode] = record.fields;
    this.records++;
    this.people.set(record.person.id, (this.people.get(record.person.id) ?? 0) + 1);
    const s = this.sets;
    if (phone) s.phone.add(phone);
    if (email) s.email.add(email.toLowerCase());
    if (street) s.street.add(`${street}|${postcode}`);
    if (first || last) s.name.add(`${first}|${last}`);
    if (dob) s.dob.add(dob);
    if (record.copy === 0) {
      s.phoneE164.add(record.person.phone.e164);
      s.address.add(record.person.address.key);
    }
  }
  summary() {
    let duplicated = 0;
    let pairs = 0;
    for (const n of this.people.values()) {
      if (n > 1) duplicated++;
      pairs += (n * (n - 1)) / 2;
    }
    const s = this.sets;
    return {
      records: this.records,
      people: this.people.size,
      peopleWithDuplicates: duplicated,
      truePairs: pairs,
      distinctPhoneTexts: s.phone.size,
      distinctPhonesPerPerson: s.phoneE164.size,
      distinctEmails: s.email.size,
      distinctStreetPostcode: s.street.size,
      distinctAddressesPerPerson: s.address.size,
      distinctNames: s.name.size,
      distinctBirthDateTexts: s.dob.size,
    };
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      "dup-share": { type: "string" },
      "max-copies": { type: "string" },
      spread: { type: "string" },
      households: { type: "string" },
      sources: { type: "string" },
      "no-truth": { type: "boolean" },
      stats: { type: "boolean" },
    },
  });
  const num = (v) => (v === undefined ? undefined : Number(v));
  const rows = Number(values.rows ?? 1_000_000);
  const seed = Number(values.seed ?? DEFAULTS.seed);
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(seed)) throw new Error("--rows and --seed must be integers");
  const out = values.out ?? join(tmpdir(), "roster-bench", `customers-${rows}.csv`);
  await mkdir(dirname(out), { recursive: true });
  const t0 = performance.now();
  const result = await writeCustomersCsv(out, {
    rows,
    seed,
    dupShare: num(values["dup-share"]),
    maxCopies: num(values["max-copies"]),
    spread: num(values.spread),
    households: num(values.households),
    sources: values.sources?.split(","),
    truth: !values["no-truth"],
    stats: values.stats,
  });
  const secs = ((performance.now() - t0) / 1000).toFixed(2);
  console.error(`wrote ${rows} rows, ${(result.bytes / 1e6).toFixed(1)} MB to ${result.files.join(", ")} in ${secs} s`);
  if (result.truth) console.error(`ground truth: ${result.truth}`);
  if (result.stats) for (const [k, v] of Object.entries(result.stats)) console.error(`  ${k}: ${v.toLocaleString("en-US")}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
