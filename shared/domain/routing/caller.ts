/** Caller numbers as Connect sends them (+86…) or as tenants list them; kept dependency-free for route-call. */
export function normaliseCaller(raw: string): string {
  const cleaned = raw.replace(/[\s\-()]/g, '').replace(/^00/, '+');
  if (cleaned === '' || cleaned.startsWith('+')) return cleaned;
  // Domestic forms: 13910001234 (mobile), 01058881234 / 010-5888-1234 (fixed line with trunk 0).
  if (/^1\d{10}$/.test(cleaned)) return `+86${cleaned}`;
  if (/^0\d{9,11}$/.test(cleaned)) return `+86${cleaned.slice(1)}`;
  if (/^86\d{10,12}$/.test(cleaned)) return `+${cleaned}`;
  return cleaned;
}
