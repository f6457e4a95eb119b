// Draws a picture from Rust ({width, height, channels, pixels}) on a canvas at its own
// resolution; CSS scales it up with `image-rendering: pixelated`. Shared by the trainer page
// and the sampler widget.

export function drawPicture(canvas, { width, height, channels, pixels }) {
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const image = new ImageData(width, height);
  const rgba = image.data;
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const gray = pixels[j];
    rgba[4 * i] = gray;
    rgba[4 * i + 1] = channels === 3 ? pixels[j + 1] : gray;
    rgba[4 * i + 2] = channels === 3 ? pixels[j + 2] : gray;
    rgba[4 * i + 3] = 255;
  }
  canvas.getContext('2d').putImageData(image, 0, 0);
}
