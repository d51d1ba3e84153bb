// An S3-compatible server (s3rver) on a free loopback port, storing into a temporary folder, with one
// bucket. stop() closes it and deletes the folder.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
	endpoint: string;
	bucket: string;
	accessKeyId: string;
	secretAccessKey: string;
	stop(): Promise<void>;
}

export async function startS3(bucket = 'rakkan-test'): Promise<TestS3> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-s3-'));
	const server = new S3rver({
		address: '127.0.0.1',
		port: 0,
		directory: dir,
		silent: true,
		configureBuckets: [{ name: bucket, configs: [] }]
	});
	const { port } = await server.run();
	return {
		endpoint: `http://127.0.0.1:${port}`,
		bucket,
		// s3rver's fixed development credentials.
		accessKeyId: 'S3RVER',
		secretAccessKey: 'S3RVER',
		async stop() {
			await server.close();
			await rm(dir, { recursive: true, force: true });
		}
	};
}
