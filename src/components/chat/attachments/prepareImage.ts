import { IMAGE_LIMITS, IMAGE_MEDIA_TYPES, type ImagePart } from "@/src/lib/api/images.ts";
import { AttachmentError } from "./attachmentError.ts";

// Loaded only when the user first attaches an image. The browser decodes the file itself, so a
// photo of any size or format it can read (HEIC in Safari, say) is scaled to the models' limit
// and re-encoded before a byte leaves the machine.

/** The size an image is scaled to: its longest side at most `longSide`, proportions kept. */
export function fitWithin(
  width: number,
  height: number,
  longSide: number,
): { width: number; height: number } {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const sendableType = (type: string) => (IMAGE_MEDIA_TYPES as ReadonlyArray<string>).includes(type);

export async function prepareImage(file: File): Promise<ImagePart> {
  if (!file.type.startsWith("image/"))
    throw new AttachmentError(`${file.name} is not an image: attach PNG, JPEG, WebP or GIF files.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new AttachmentError(
      `${file.name} could not be read as an image: attach PNG, JPEG, WebP or GIF files.`,
    );
  }
  try {
    const size = fitWithin(bitmap.width, bitmap.height, IMAGE_LIMITS.longSide);
    const asIs =
      sendableType(file.type) &&
      file.size <= IMAGE_LIMITS.bytes &&
      size.width === bitmap.width &&
      size.height === bitmap.height;
    const blob = asIs ? file : await reencode(bitmap, size, file.name);
    return {
      type: "file",
      mediaType: blob.type as ImagePart["mediaType"],
      filename: file.name,
      url: await dataUrlOf(blob),
    };
  } finally {
    bitmap.close();
  }
}

/** JPEG on white (models take no transparency anyway), smaller until it fits the byte limit. */
async function reencode(
  bitmap: ImageBitmap,
  size: { width: number; height: number },
  name: string,
): Promise<Blob> {
  let { width, height } = size;
  let quality = 0.85;
  for (let attempt = 0; attempt < 5; attempt++) {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    if (!context) break;
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
    if (blob && blob.size <= IMAGE_LIMITS.bytes) return blob;
    quality = Math.max(0.5, quality - 0.15);
    ({ width, height } = fitWithin(width, height, Math.round(Math.max(width, height) * 0.75)));
  }
  throw new AttachmentError(`${name} could not be made small enough to send.`);
}

function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new AttachmentError("The image could not be read."));
    reader.readAsDataURL(blob);
  });
}
