// Error classes of the knowledge base. Pure (no Node or DB imports) so UI code can test `instanceof`/`name`.

export interface EmbeddingIdentity {
  /** Embedding model id, e.g. "BAAI/bge-m3". */
  model: string;
  /** Vector length, e.g. 1024. */
  dimensions: number;
}

const RESET_HINT = "npm run ingest -- --reset <paths>";

/**
 * The knowledge base was built with a different embedding model or dimension than the one configured now.
 * Vectors of different models are not comparable, so nothing is searched until the operator re-ingests.
 */
export class KbMismatchError extends Error {
  override name = "KbMismatchError";
  readonly stored: EmbeddingIdentity;
  readonly configured: EmbeddingIdentity;

  constructor(stored: EmbeddingIdentity, configured: EmbeddingIdentity, detail?: string) {
    super(
      `${detail ?? "The knowledge base was built"} with embedding model "${stored.model}" (${stored.dimensions} dimensions), ` +
        `but CHUTES_EMBEDDING_MODEL/CHUTES_EMBEDDING_DIMENSIONS are now "${configured.model}" (${configured.dimensions} dimensions). ` +
        `Either restore the old settings or rebuild the knowledge base with the new model: ${RESET_HINT} (for example \`npm run ingest -- --reset docs\`).`,
    );
    this.stored = stored;
    this.configured = configured;
  }
}

/** The embeddings endpoint answered with vectors of an unexpected length. */
export class EmbeddingDimensionError extends Error {
  override name = "EmbeddingDimensionError";
  readonly expected: number;
  readonly received: number;

  constructor(expected: number, received: number, model: string) {
    super(
      `The embeddings endpoint returned ${received}-dimensional vectors for model "${model}", but the knowledge base ` +
        `stores ${expected} dimensions. Set CHUTES_EMBEDDING_DIMENSIONS=${received} and rebuild the knowledge base ` +
        `(${RESET_HINT}), or point CHUTES_EMBEDDINGS_URL/CHUTES_EMBEDDING_MODEL at the model it was built with.`,
    );
    this.expected = expected;
    this.received = received;
  }
}

/** The PostgreSQL server has no pgvector extension (or we may not create it). */
export class PgvectorMissingError extends Error {
  override name = "PgvectorMissingError";
}

export const PGVECTOR_INSTALL_HINT =
  "Install pgvector on the database server: use the Docker image pgvector/pgvector (e.g. pgvector/pgvector:pg17) " +
  "instead of postgres, or install the PGDG package postgresql-NN-pgvector matching your server version " +
  "(e.g. `apt install postgresql-17-pgvector`), then restart. " +
  "Alternatively unset DATABASE_URL to use the embedded database in DATA_DIR.";

/** Another process holds the embedded database in DATA_DIR open. */
export class KbLockedError extends Error {
  override name = "KbLockedError";
}

/** A file is not valid UTF-8 text. */
export class InvalidTextError extends Error {
  override name = "InvalidTextError";
  readonly file: string;

  constructor(file: string) {
    super(`${file} is not valid UTF-8 text; convert it to UTF-8 (or remove it) and run the ingest again.`);
    this.file = file;
  }
}
