// Lighthouse (desktop preset) on pages of a running server: one headless Chromium for all of them, and only
// the two categories the workspace promises to keep at 95 or more (accessibility, best practices).
import { launch } from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { CHROMIUM, CHROMIUM_ARGS } from './harness';

export const LIGHTHOUSE_CATEGORIES = ['accessibility', 'best-practices'] as const;
type Category = (typeof LIGHTHOUSE_CATEGORIES)[number];

export interface LighthouseReport {
	url: string;
	/** 0..1 per category. */
	scores: Record<Category, number>;
	/** Each weighted audit short of full marks: "category/id (score): title [selectors]". */
	failing: string[];
}

interface AuditItem {
	node?: { selector?: string };
}

export async function lighthouseReports(urls: string[]): Promise<LighthouseReport[]> {
	const chrome = await launch({
		chromePath: CHROMIUM,
		chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
		logLevel: 'silent'
	});
	try {
		const reports: LighthouseReport[] = [];
		for (const url of urls) {
			const result = await lighthouse(
				url,
				{ port: chrome.port, logLevel: 'error', onlyCategories: [...LIGHTHOUSE_CATEGORIES] },
				desktopConfig
			);
			if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
			const { lhr } = result;
			if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.message}`);
			const scores = {} as Record<Category, number>;
			const failing: string[] = [];
			for (const category of LIGHTHOUSE_CATEGORIES) {
				scores[category] = lhr.categories[category]?.score ?? 0;
				for (const ref of lhr.categories[category]?.auditRefs ?? []) {
					const audit = lhr.audits[ref.id];
					if (!audit || ref.weight === 0 || audit.score === null || audit.score >= 1) continue;
					const items = ((audit.details as { items?: AuditItem[] } | undefined)?.items ?? [])
						.map((item) => item.node?.selector)
						.filter(Boolean);
					failing.push(
						`${category}/${ref.id} (${audit.score}): ${audit.title}${items.length ? ` [${items.join(', ')}]` : ''}`
					);
				}
			}
			reports.push({ url, scores, failing });
		}
		return reports;
	} finally {
		chrome.kill();
	}
}
