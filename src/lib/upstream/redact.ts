// Texts from a provider (error details, network messages) may be shown to users or logged:
// nothing that looks like a credential, and no credential we know of, may ride along.

const SECRET_PATTERN = /\b(cpk|cak|crt|csc|sk-or-v1|sk-or)[-_][A-Za-z0-9._-]{6,}/g;
const BEARER_PATTERN = /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi;

export function redactSecrets(text: string, known: readonly (string | undefined)[] = []): string {
  let out = text.replace(SECRET_PATTERN, "[redacted]").replace(BEARER_PATTERN, "Bearer [redacted]");
  for (const secret of known) if (secret && secret.length >= 6) out = out.replaceAll(secret, "[redacted]");
  return out;
}
