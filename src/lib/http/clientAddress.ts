import "server-only";

// The address a rate limit counts against. Next's server fills X-Forwarded-For with the socket's
// address when the request has none; behind N trusted proxies the Nth entry from the right is the
// address the outermost one saw. Entries further left are whatever the client chose to send.

export function clientAddress(request: Request, trustedHops: number): string {
  const entries = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return "unknown";
  const index = Math.max(0, entries.length - Math.max(1, trustedHops));
  return entries[index]?.slice(0, 64) ?? "unknown";
}
