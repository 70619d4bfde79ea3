import { z } from 'zod';
import { placeholders, unknownPlaceholders } from './template.js';
import type { DraftTemplates } from './draft.js';

/** The outreach settings (sites.settings.outreach) and their defaults. Pure. */

export interface OutreachSettings {
  /** Make a draft when a contact is first identified. */
  autoGenerate: boolean;
  senderName: string;
  /** Intent pattern names (the scoring model's intent.patterns) whose pages make a draft high-intent. */
  highIntentPatterns: string[];
  templates: DraftTemplates;
}

export const defaultOutreach: OutreachSettings = {
  autoGenerate: true,
  senderName: '',
  // The default model's buying signals: price, a demo, a trial, a word with sales.
  highIntentPatterns: ['pricing', 'demo', 'trial', 'contact'],
  templates: {
    highIntent: {
      subject: "Quick question about {{companyName|your team}}'s needs",
      body: [
        'Hi {{firstName|there}},',
        '',
        'I noticed {{pages}}.',
        'If {{intent}} is what you are weighing up, I am happy to answer any questions.',
        '',
        'Would a short call this week help?',
        '',
        '{{senderName}}',
        '{{siteName}}',
      ].join('\n'),
    },
    general: {
      subject: '{{siteName}} for {{companyName|your team}}',
      body: [
        'Hi {{firstName|there}},',
        '',
        'Thanks for taking a look at {{siteName}}.',
        'I noticed {{pages}}.',
        '',
        'If it would help, I am glad to share how teams like {{companyName|yours}} use it.',
        '',
        '{{senderName}}',
      ].join('\n'),
    },
  },
};

const maxTemplate = 5_000;
const templateText = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .max(maxTemplate, `${field} must be at most ${maxTemplate} characters`)
    .describe(`Plain text with {{placeholders}}: ${placeholders.join(', ')}`);

export const outreachPatchSchema = z
  .strictObject({
    autoGenerate: z.boolean({ error: 'autoGenerate must be true or false' }).optional(),
    senderName: z.string({ error: 'senderName must be a string' }).max(200, 'senderName must be at most 200 characters').optional(),
    highIntentPatterns: z
      .array(z.string({ error: 'each pattern name must be a string' }).min(1).max(60), { error: 'highIntentPatterns must be a list of intent pattern names' })
      .max(50, 'highIntentPatterns may list at most 50 names')
      .optional(),
    templates: z
      .strictObject({
        highIntent: z
          .strictObject({ subject: templateText('templates.highIntent.subject'), body: templateText('templates.highIntent.body') })
          .partial()
          .optional(),
        general: z
          .strictObject({ subject: templateText('templates.general.subject'), body: templateText('templates.general.body') })
          .partial()
          .optional(),
      })
      .optional(),
  })
  .describe('Outreach drafts: automatic drafts on new contacts, the sender, which intent patterns are high intent, and the templates. Objects merge, lists replace.');

export type OutreachPatch = z.infer<typeof outreachPatchSchema>;

/** The stored settings merged over the defaults; a stored value of the wrong shape counts as unset. */
export function outreachSettingsOf(stored: unknown): OutreachSettings {
  const parsed = outreachPatchSchema.safeParse(stored ?? {});
  return mergeOutreach(defaultOutreach, parsed.success ? parsed.data : {});
}

export function mergeOutreach(base: OutreachSettings, patch: OutreachPatch): OutreachSettings {
  return {
    autoGenerate: patch.autoGenerate ?? base.autoGenerate,
    senderName: patch.senderName ?? base.senderName,
    highIntentPatterns: patch.highIntentPatterns ?? base.highIntentPatterns,
    templates: {
      highIntent: { ...base.templates.highIntent, ...(patch.templates?.highIntent ?? {}) },
      general: { ...base.templates.general, ...(patch.templates?.general ?? {}) },
    },
  };
}

/** Each unknown placeholder in the templates, with the field that names it. */
export function templateProblems(settings: OutreachSettings): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  for (const kind of ['highIntent', 'general'] as const) {
    for (const part of ['subject', 'body'] as const) {
      for (const name of unknownPlaceholders(settings.templates[kind][part])) {
        out.push({ field: `outreach.templates.${kind}.${part}`, message: `unknown placeholder {{${name}}}; known: ${placeholders.join(', ')}` });
      }
    }
  }
  return out;
}
