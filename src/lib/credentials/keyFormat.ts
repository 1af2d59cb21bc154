// A pasted key's shape check, so an obviously wrong paste never leaves the browser: trimmed, then
// the provider's prefix, then its whole pattern, each failure named in the provider's words.

export type KeyFormatCheck = { ok: true; key: string } | { ok: false; message: string };

export function keyFormatCheck(rules: {
  provider: string;
  prefix: string;
  pattern: RegExp;
  prefixHint: string;
  shapeHint: string;
}): (raw: string) => KeyFormatCheck {
  return (raw) => {
    const key = raw.trim();
    if (!key) return { ok: false, message: `Paste your ${rules.provider} API key first.` };
    if (!key.startsWith(rules.prefix)) return { ok: false, message: rules.prefixHint };
    if (!rules.pattern.test(key))
      return { ok: false, message: `This key is incomplete or mistyped: ${rules.shapeHint}` };
    return { ok: true, key };
  };
}
