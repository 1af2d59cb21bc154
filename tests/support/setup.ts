import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Settings, search and shortcuts are lazy chunks; on a loaded CI machine the first import of one
// can take longer than Testing Library's 1 s default for `findBy*`.
configure({ asyncUtilTimeout: 5000 });

// Globals are off, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  if (typeof localStorage !== "undefined") localStorage.clear();
});
