import { errorResponse } from "../errors.ts";

/** 429 with Retry-After and the error table's words, saying when to try again. */
export function tooManyRequests(retryAfterS: number): Response {
  const wait = retryAfterS <= 90 ? `${retryAfterS} s` : `${Math.ceil(retryAfterS / 60)} min`;
  return errorResponse(
    "too_many_requests",
    `Too many requests from here in a short time. Try again in ${wait}.`,
    { headers: { "retry-after": String(retryAfterS) } },
  );
}
