// Text typed into the painted chat frame (ChatShell) before the live chat arrived. The live
// composer starts from it, so a fast typist on a slow connection loses nothing.
let draft = "";

export function rememberEarlyDraft(text: string): void {
  draft = text;
}

/** Read in a state initializer (which React may call twice), cleared once the composer mounts. */
export function peekEarlyDraft(): string {
  return draft;
}

export function clearEarlyDraft(): void {
  draft = "";
}
