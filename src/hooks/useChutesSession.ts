// The seed's entry point: the hook serves both providers, so it is `useConnection` now.
export {
  type ConnectedUser as ChutesUser,
  type Connection as ChutesSession,
  type ConnectionStatus as ChutesSessionStatus,
  useConnection as useChutesSession,
} from "./useConnection.ts";
