// Webcam capture as a content source: the stream lives only while the preview is open, and every track
// is stopped when the picture is taken, the user cancels, or the page goes away.

export class Webcam {
	/** Whether this browser offers camera access at all (insecure origins and some browsers do not). */
	readonly supported = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
	stream = $state<MediaStream | null>(null);
	problem = $state<string | null>(null);

	async open(): Promise<void> {
		this.problem = null;
		try {
			this.stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
		} catch (error) {
			this.problem = `The camera could not be opened: ${(error as Error).message}`;
		}
	}

	/** The video's current frame as a PNG file, then closes the camera. */
	async capture(video: HTMLVideoElement): Promise<File> {
		const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
		const context = canvas.getContext('2d');
		if (!context) throw new Error('This browser cannot read the camera picture (no 2D canvas).');
		context.drawImage(video, 0, 0);
		const blob = await canvas.convertToBlob({ type: 'image/png' });
		this.close();
		return new File([blob], `webcam-${Date.now()}.png`, { type: 'image/png' });
	}

	close(): void {
		for (const track of this.stream?.getTracks() ?? []) track.stop();
		this.stream = null;
	}
}
