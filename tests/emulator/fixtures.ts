// Deterministic identities the emulator knows. Every value is fixed so tests and the offline demo can
// hard-code them; all of them have the exact shapes of the real service (protocol §1.2, §2.1, §2.4).

export type FixtureUser = {
  username: string;
  userId: string;
  createdAt: string;
  /** Starting balance in USD; the emulator's copy can be changed at run time. */
  balance: number;
  hotkey: string;
  coldkey: string;
  paymentAddress: string;
};

type KeyScope = {
  objectType: "chutes" | "images" | "invocations";
  objectId: string | null;
  action: string | null;
};

export type FixtureKey = {
  key: string;
  keyId: string;
  username: string;
  admin: boolean;
  scopes: KeyScope[];
};

export const alice: FixtureUser = {
  username: "alice",
  userId: "8f3c2a71-5d4e-4b9a-a6c2-1e7f0b9d3c54",
  createdAt: "2025-03-14T09:26:53.589793Z",
  balance: 12.5,
  hotkey: "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
  coldkey: "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy",
  paymentAddress: "5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY",
};

export const bob: FixtureUser = {
  username: "bob",
  userId: "2b6e9d40-c1a7-4f35-8e02-7d9a4c6b1f83",
  createdAt: "2025-06-02T17:04:11.120455Z",
  balance: 0.0,
  hotkey: "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw",
  coldkey: "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL",
  paymentAddress: "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
};

export const USERS: Readonly<Record<string, FixtureUser>> = { alice, bob };

const hex = (uuid: string): string => uuid.replaceAll("-", "");

// cpk_<key id>.<user id without dashes>.<secret>
const makeKey = (keyId: string, user: FixtureUser, secret: string): string =>
  `cpk_${keyId}.${hex(user.userId)}.${secret}`;

/** Alice's admin key: may do anything, including GET /users/me. */
export const ADMIN_KEY = makeKey(
  "0a1b2c3d4e5f40718293a4b5c6d7e8f9",
  alice,
  "AdminKeyForAliceEmulat0r0000001a",
);
/** Alice's invoke-only key: inference and /v1/models work, /users/me answers 401. */
export const SCOPED_KEY = makeKey(
  "1c2d3e4f5a6b47c8d9e0f1a2b3c4d5e6",
  alice,
  "Sc0pedInvokeKeyAliceEmulat0r002b",
);
/** Bob's admin key: /users/me shows balance 0.0, every inference call gets 402. */
export const BROKE_KEY = makeKey("2e3f4a5b6c7d48e9f0a1b2c3d4e5f6a7", bob, "Br0keKeyForB0bEmulat0r000000003c");
/** Well-formed but never registered: 401 "Invalid token or user not found". */
export const UNKNOWN_KEY = `cpk_3f4a5b6c7d8e49f0a1b2c3d4e5f6a7b8.${hex("9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a")}.UnknownKeyNeverRegistered000004d`;

export const KEYS: readonly FixtureKey[] = [
  { key: ADMIN_KEY, keyId: "0a1b2c3d4e5f40718293a4b5c6d7e8f9", username: "alice", admin: true, scopes: [] },
  {
    key: SCOPED_KEY,
    keyId: "1c2d3e4f5a6b47c8d9e0f1a2b3c4d5e6",
    username: "alice",
    admin: false,
    scopes: [{ objectType: "chutes", objectId: null, action: "invoke" }],
  },
  { key: BROKE_KEY, keyId: "2e3f4a5b6c7d48e9f0a1b2c3d4e5f6a7", username: "bob", admin: true, scopes: [] },
];

/** The one registered OAuth app ("Sign in with Chutes"). */
export const OAUTH_CLIENT = {
  clientId: "cid_emu1atorchuteschat0demo1",
  clientSecret: "csc_EmuLat0rCl1entS3cretForChutesChatDem0nstrat1on00",
  name: "Chutes Chat",
  refreshTokenLifetimeDays: 30,
} as const;

export const DEFAULT_REDIRECT_URIS: readonly string[] = [
  "http://127.0.0.1:3000/api/auth/callback/chutes",
  "http://localhost:3000/api/auth/callback/chutes",
];

export const EMBEDDING_MODEL = "BAAI/bge-m3";
export const EMBEDDING_DIMENSIONS = 1024;
export const DEFAULT_CHAT_MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";
export { OPENROUTER_BROKE_KEY, OPENROUTER_KEY } from "./openrouter.ts";
