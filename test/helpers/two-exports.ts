/**
 * Two small exports the end-to-end dedupe and merge tests share: a CRM CSV of 24 people and a shop's JSON Lines
 * with six of them again as real exports differ (a nickname, typos, other phone formats, 张伟 as Wei Zhang) and
 * two new people.
 */

/** The CRM header and its first 18 people (c01-c18): the review fixture's CRM export starts the same way. */
export const CRM_PEOPLE = `id,first_name,last_name,email,phone,birth_date,address,city,postcode
c01,William,Turner,william.turner@example.com,+1 415 555 0101,1980-03-14,12 Oak Street,San Francisco,94110
c02,Margaret,Hughes,mhughes@example.org,+1 415 555 0102,1975-07-02,88 Pine Avenue,Oakland,94607
c03,Robert,Nakamura,rob.nakamura@example.net,+1 212 555 0103,1990-11-23,5 Elm Road,New York,10001
c04,Elizabeth,Okafor,e.okafor@example.com,+1 312 555 0104,1988-01-30,401 Lake Shore Drive,Chicago,60611
c05,James,Fitzgerald,jfitz@example.com,+1 617 555 0105,1969-05-05,77 Beacon Street,Boston,02108
c06,Patricia,Lindqvist,pat.lindqvist@example.org,+1 206 555 0106,1992-09-17,230 Maple Lane,Seattle,98101
c07,Michael,Brennan,mbrennan@example.net,+1 503 555 0107,1985-12-01,19 Cedar Court,Portland,97201
c08,Jennifer,Castillo,jcastillo@example.com,+1 305 555 0108,1979-04-12,64 Palm Way,Miami,33101
c09,David,Kowalski,dkowalski@example.org,+1 412 555 0109,1983-08-08,9 River Street,Pittsburgh,15201
c10,Susan,Abernathy,susan.abernathy@example.com,+1 615 555 0110,1971-02-25,350 Broadway,Nashville,37201
c11,Thomas,Moreau,tmoreau@example.net,+1 504 555 0111,1995-06-19,11 Royal Street,New Orleans,70116
c12,Linda,Petrova,lpetrova@example.com,+1 702 555 0112,1966-10-10,808 Desert Road,Las Vegas,89101
c13,Charles,Whitfield,cwhitfield@example.org,+1 404 555 0113,1987-03-03,42 Peachtree Street,Atlanta,30303
c14,Barbara,Yilmaz,byilmaz@example.com,+1 713 555 0114,1993-07-27,15 Bayou Drive,Houston,77002
c15,Richard,Delgado,rdelgado@example.net,+1 602 555 0115,1974-12-12,600 Camelback Road,Phoenix,85004
c16,Karen,Sorensen,ksorensen@example.com,+1 612 555 0116,1981-01-09,27 Lake Street,Minneapolis,55401
c17,Joseph,Adeyemi,jadeyemi@example.org,+1 303 555 0117,1990-05-21,3 Larimer Square,Denver,80202
c18,Nancy,Holloway,nholloway@example.com,+1 919 555 0118,1968-09-30,71 Oak Ridge Road,Raleigh,27601
`;

export const CRM_CSV = `${CRM_PEOPLE}c19,伟,张,zhangwei@example.cn,+86 138 0013 8000,1986-04-18,朝阳区建国路88号,北京,100022
c20,芳,李,lifang@example.cn,+86 139 1234 5678,1991-08-08,浦东新区世纪大道100号,上海,200120
c21,Paul,Novak,pnovak@example.com,+1 216 555 0123,1977-06-06,500 Euclid Avenue,Cleveland,44114
c22,Sandra,Mbeki,smbeki@example.org,+1 313 555 0124,1989-10-01,44 Woodward Avenue,Detroit,48226
c23,Mark,Olsen,mark.olsen@example.net,+1 414 555 0125,1982-03-29,7 Water Street,Milwaukee,53202
c24,Betty,Harrington,bharrington@example.com,+1 502 555 0126,1964-12-24,90 Main Street,Louisville,40202
`;

/** A shop row as JSON (fields in the export's order; missing trailing ones empty). */
export const shop = (...values: string[]) => {
  const keys = ["id", "first_name", "last_name", "email", "phone", "birth_date", "address", "city", "postcode"];
  return JSON.stringify(Object.fromEntries(keys.map((key, i) => [key, values[i] ?? ""])));
};

export const SHOP_JSONL = `${[
  shop("s01", "Bill", "Turner", "william.turner@example.com", "(415) 555-0101", "1980-03-14", "12 Oak St", "San Francisco", "94110"),
  shop("s02", "Margret", "Hughes", "mhughes@example.org", "415-555-0102", "1975-07-02", "88 Pine Ave", "Oakland", "94607"),
  shop("s03", "Robert", "Nakamura", "rob.nakamura@exmaple.net", "2125550103", "1990-11-23", "5 Elm Rd", "New York", "10001"),
  shop("s04", "Jim", "Fitzgerald", "jfitz@example.com", "617.555.0105", "1969-05-05", "77 Beacon St", "Boston", "02108"),
  shop("s05", "Wei", "Zhang", "zhangwei@example.cn", "+86 138 0013 8000", "1986-04-18", "", "Beijing", "100022"),
  shop("s06", "Michael", "Brenan", "mbrennan@example.net", "+1 503 555 0107", "1985-12-01", "19 Cedar Ct", "Portland", "97201"),
  shop("s07", "Olivia", "Brandt", "obrandt@example.com", "+1 720 555 0201", "1991-03-03", "5 Pearl Street", "Boulder", "80302"),
  shop("s08", "Henry", "Achebe", "hachebe@example.org", "+1 614 555 0202", "1979-09-09", "31 High Street", "Columbus", "43215"),
].join("\n")}\n`;
