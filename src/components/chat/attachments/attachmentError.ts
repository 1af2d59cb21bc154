/** Why one file was not attached, in words the composer shows as they are. */
export class AttachmentError extends Error {}
