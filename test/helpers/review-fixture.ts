/**
 * Two exports whose dedupe leaves pairs in the review band, for `roster review` (the command tests and the
 * terminal test share them). Besides plain duplicates (a nickname, a typo, another phone format, 张伟 and Zhang
 * Wei), four pairs are ones a person has to decide: Katherine Morgan and Patricia Lindqvist moved (name and birth
 * date shared, everything else new), John and Mary Smith share a family email, phone and address, and two 王娜
 * born the same day live in different districts of 广州 (a common name, another phone and email).
 *
 * With the review threshold at 0.01 (REVIEW_ARGS on the command line), dedupe stores them for review and the ten
 * duplicates as matches.
 */
import { CRM_PEOPLE } from "./two-exports.js";

export const CRM_CSV = `${CRM_PEOPLE}c19,Daniel,Ferreira,dferreira@example.net,+1 858 555 0119,1997-02-14,250 Harbor Drive,San Diego,92101
c20,Lisa,Gallagher,lgallagher@example.com,+1 801 555 0120,1984-11-11,18 Temple Street,Salt Lake City,84101
c21,伟,张,zhangwei@example.cn,+86 138 0013 8000,1986-04-18,朝阳区建国路88号,北京,100022
c22,芳,李,lifang@example.cn,+86 139 1234 5678,1991-08-08,浦东新区世纪大道100号,上海,200120
c23,Paul,Novak,pnovak@example.com,+1 216 555 0123,1977-06-06,500 Euclid Avenue,Cleveland,44114
c24,Sandra,Mbeki,smbeki@example.org,+1 313 555 0124,1989-10-01,44 Woodward Avenue,Detroit,48226
c25,Mark,Olsen,mark.olsen@example.net,+1 414 555 0125,1982-03-29,7 Water Street,Milwaukee,53202
c26,John,Smith,smith.family@example.com,+1 617 555 0126,1964-12-24,90 Main Street,Louisville,40202
c27,Steven,Quinlan,squinlan@example.org,+1 816 555 0127,1994-04-04,21 Grand Boulevard,Kansas City,64106
c28,娜,王,wangna@example.cn,+86 137 5555 1234,1983-02-02,天河区体育西路1号,广州,510620
c29,Andrew,Lindgren,alindgren@example.net,+1 907 555 0129,1986-01-19,2 Harbor Road,Anchorage,99501
c30,Emily,Rasmussen,erasmussen@example.com,+1 808 555 0130,1998-07-07,60 Kalakaua Avenue,Honolulu,96815
c31,Katherine,Morgan,kmorgan@example.com,+1 718 555 0131,1983-05-17,14 Birch Lane,Brooklyn,11201
`;

export const SHOP_CSV = `id,first_name,last_name,email,phone,birth_date,address,city,postcode
s01,Bill,Turner,william.turner@example.com,(415) 555-0101,1980-03-14,12 Oak St,San Francisco,94110
s02,Margret,Hughes,mhughes@example.org,415-555-0102,1975-07-02,88 Pine Ave,Oakland,94607
s03,Robert,Nakamura,rob.nakamura@exmaple.net,2125550103,1990-11-23,5 Elm Rd,New York,10001
s04,Elizabeth,Okafor,,+13125550104,1988-01-30,401 Lake Shore Dr,Chicago,60611
s05,Jim,Fitzgerald,jfitz@example.com,617.555.0105,1969-05-05,77 Beacon St,Boston,02108
s06,Wei,Zhang,zhangwei@example.cn,+86 138 0013 8000,1986-04-18,,Beijing,100022
s07,Michael,Brenan,mbrennan@example.net,+1 503 555 0107,1985-12-01,19 Cedar Ct,Portland,97201
s08,Susan,Abernathy,sue.abernathy@example.com,(615) 555-0110,1971-02-25,350 Broadway,Nashville,37201
s09,Daniel,Ferreira,dferreira@example.net,,1997-02-14,250 Harbor Dr,San Diego,92101
s10,Emily,Rasmusen,erasmussen@example.com,808-555-0130,1998-07-07,60 Kalakaua Ave,Honolulu,96815
s11,Olivia,Brandt,obrandt@example.com,+1 720 555 0201,1991-03-03,5 Pearl Street,Boulder,80302
s12,Henry,Achebe,hachebe@example.org,+1 614 555 0202,1979-09-09,31 High Street,Columbus,43215
s13,Grace,Tanaka,gtanaka@example.net,+1 503 555 0203,1996-12-20,8 Alder Street,Portland,97205
s14,Victor,Ivanov,vivanov@example.com,+1 215 555 0204,1970-05-15,100 Market Street,Philadelphia,19106
s15,Katherine,Morgan,kate.morgan@mail.example,+1 929 555 0215,1983-05-17,900 Sunset Boulevard,Los Angeles,90028
s16,Mary,Smith,smith.family@example.com,+1 617 555 0126,1966-08-03,90 Main Street,Louisville,40202
s17,娜,王,na.wang@mail.example,+86 137 5555 9876,1983-02-02,越秀区中山路5号,广州,510030
s18,Patricia,Lindqvist,plindqvist@mail.example,+1 425 555 0218,1992-09-17,9 Fir Street,Bellevue,98004
`;

/** The review band's pairs, as source:source_id. */
export const REVIEW_PAIRS = {
  katherine: ["crm:c31", "shop:s15"],
  patricia: ["crm:c06", "shop:s18"],
  smiths: ["crm:c26", "shop:s16"],
  wangNa: ["crm:c28", "shop:s17"],
} as const;

/** A clear duplicate dedupe matches (a nickname and another phone format). */
export const MATCHED_PAIR = ["crm:c01", "shop:s01"] as const;

/** dedupe's flags for a review band wide enough to hold the four pairs. */
export const REVIEW_ARGS = ["--review-threshold", "0.01"];
