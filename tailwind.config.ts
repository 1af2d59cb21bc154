// Read by Tailwind 4 through `@config` in app/globals.css (its other settings live in that CSS).
// Dark mode follows the `dark` class that the theme setting puts on <html>, not the system
// preference alone, so "Light" in Settings wins over a dark OS.
const config = {
  content: ["./app/**/*.{ts,tsx}", "./src/**/*.{ts,tsx}"],
  darkMode: ["variant", "&:where(.dark, .dark *)"],
};

export default config;
