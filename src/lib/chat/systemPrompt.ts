export const BASE_SYSTEM_PROMPT =
  "You are chutes-chat, a helpful assistant. Answer clearly and concisely. Use Markdown when it helps.";
