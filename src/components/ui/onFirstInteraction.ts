/**
 * Runs `load` once, on the user's first key press or pointer press anywhere in the page: for code
 * that the first answer needs but opening the chat does not (Markdown, the tokenizer). Returns a
 * cleanup that removes the listeners, for an effect.
 */
export function onFirstInteraction(load: () => void): () => void {
  const events = ["keydown", "pointerdown"] as const;
  const stop = () => {
    for (const event of events) window.removeEventListener(event, run, true);
  };
  const run = () => {
    stop();
    load();
  };
  for (const event of events) window.addEventListener(event, run, true);
  return stop;
}
