/**
 * A count as people read it in English: 1,000,000. Not `toLocaleString`: the first Intl call on a
 * page sets up ICU's number formatting, about 100 ms of the chat screen's load on a 4x-slowed
 * phone (bench/profile-page.ts), and every count we show is written in English anyway.
 */
export function formatCount(n: number): string {
  const [whole = "", fraction] = String(Math.abs(n)).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${n < 0 ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}
