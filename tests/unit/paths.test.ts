import { describe, expect, it } from 'vitest';
import { relativeAssetPath, servedAssetUrl } from '../../src/lib/assets/paths';

const COMMIT = '4b4b0f6a26a4c73e259c7439313df5530d4890a1';
const RAW = `https://raw.githubusercontent.com/macobo/whatsyourface/${COMMIT}`;

describe('relativeAssetPath', () => {
	it('maps a raw address to <owner>/<repo>/<commit>/<path>', () => {
		expect(relativeAssetPath(`${RAW}/react-ui/public/tf_models/style/model.json`)).toBe(
			`macobo/whatsyourface/${COMMIT}/react-ui/public/tf_models/style/model.json`
		);
	});

	it('decodes percent-escapes', () => {
		expect(relativeAssetPath(`${RAW}/images/water%20lilies.jpg`)).toBe(
			`macobo/whatsyourface/${COMMIT}/images/water lilies.jpg`
		);
	});

	it('refuses ".." and "." segments, also when percent-encoded', () => {
		expect(() => relativeAssetPath(`${RAW}/../../etc/passwd`)).toThrow(/unsafe asset path/);
		expect(() => relativeAssetPath(`${RAW}/a/%2e%2e/%2E%2E/secret`)).toThrow(/unsafe asset path/);
		expect(() => relativeAssetPath(`${RAW}/a/..%2F..%2Fsecret`)).toThrow(/unsafe asset path/);
		expect(() => relativeAssetPath(`${RAW}/./model.json`)).toThrow(/unsafe asset path/);
	});

	it('refuses empty segments', () => {
		expect(() => relativeAssetPath(`${RAW}//model.json`)).toThrow(/unsafe asset path/);
		expect(() => relativeAssetPath(`${RAW}/dir/`)).toThrow(/unsafe asset path/);
	});

	it('refuses hosts other than raw.githubusercontent.com', () => {
		expect(() => relativeAssetPath(`https://github.com/macobo/whatsyourface/raw/${COMMIT}/x.json`)).toThrow(
			/not a raw repository address/
		);
		expect(() => relativeAssetPath(`https://raw.githubusercontent.com.evil.example/o/r/${COMMIT}/x`)).toThrow(
			/not a raw repository address/
		);
		expect(() => relativeAssetPath(`http://raw.githubusercontent.com/o/r/${COMMIT}/x`)).toThrow(
			/not a raw repository address/
		);
		expect(() =>
			relativeAssetPath(`https://evil.example/https://raw.githubusercontent.com/o/r/${COMMIT}/x`)
		).toThrow(/not a raw repository address/);
	});
});

describe('servedAssetUrl', () => {
	it('serves a catalog file from the studio under /assets/', () => {
		expect(servedAssetUrl(`${RAW}/react-ui/public/tf_models/style/model.json`)).toBe(
			`/assets/macobo/whatsyourface/${COMMIT}/react-ui/public/tf_models/style/model.json`
		);
	});

	it('encodes each segment but keeps the slashes', () => {
		expect(servedAssetUrl(`${RAW}/images/water%20lilies%231.jpg`)).toBe(
			`/assets/macobo/whatsyourface/${COMMIT}/images/water%20lilies%231.jpg`
		);
	});

	it('refuses what relativeAssetPath refuses', () => {
		expect(() => servedAssetUrl(`${RAW}/../x`)).toThrow(/unsafe asset path/);
		expect(() => servedAssetUrl('https://example.com/x.json')).toThrow(/not a raw repository address/);
	});
});
