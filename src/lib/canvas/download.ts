/** Saves a blob as a file through a temporary object URL, which is revoked once the download has it. */
export function download(file: { blob: Blob; filename: string }): void {
	const url = URL.createObjectURL(file.blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = file.filename;
	link.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
