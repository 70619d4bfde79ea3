-- Trust follows the credential (issue 14). Every profile field of a company and a contact
-- remembers whether its value came from a trusted source (ingest, the webhook secret, an
-- API key) or from the public site key (webhook X-Site-Key, identify beacons): bit i of
-- trusted_fields is set when field i holds a trusted value (store/field-trust.ts names the
-- bits). Site-key data may create records and fill fields that hold no trusted value; it
-- never overwrites one.
ALTER TABLE companies ADD COLUMN trusted_fields INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN trusted_fields INTEGER NOT NULL DEFAULT 0;

-- What is stored today cannot say where it came from: it is taken as trusted, so that no
-- value an operator sent before the upgrade can be overwritten with the public site key.
-- Companies' bits follow the profile order: name, industry, size, employee_count, revenue,
-- city, region, country, linkedin_url, logo_url.
UPDATE companies SET trusted_fields =
  (name IS NOT NULL) | (industry IS NOT NULL) << 1 | (size IS NOT NULL) << 2 | (employee_count IS NOT NULL) << 3
  | (revenue IS NOT NULL) << 4 | (city IS NOT NULL) << 5 | (region IS NOT NULL) << 6 | (country IS NOT NULL) << 7
  | (linkedin_url IS NOT NULL) << 8 | (logo_url IS NOT NULL) << 9
WHERE name IS NOT NULL OR industry IS NOT NULL OR size IS NOT NULL OR employee_count IS NOT NULL OR revenue IS NOT NULL
   OR city IS NOT NULL OR region IS NOT NULL OR country IS NOT NULL OR linkedin_url IS NOT NULL OR logo_url IS NOT NULL;

-- Contacts' bits: first_name, last_name, job_title, seniority, department, phone,
-- linkedin_url, company_name, company_domain. A contact an identify beacon created may
-- since have been completed by ingest (its source names only the first writer), so these
-- are taken as trusted too.
UPDATE contacts SET trusted_fields =
  (first_name IS NOT NULL) | (last_name IS NOT NULL) << 1 | (job_title IS NOT NULL) << 2 | (seniority IS NOT NULL) << 3
  | (department IS NOT NULL) << 4 | (phone IS NOT NULL) << 5 | (linkedin_url IS NOT NULL) << 6
  | (company_name IS NOT NULL) << 7 | (company_domain IS NOT NULL) << 8
WHERE first_name IS NOT NULL OR last_name IS NOT NULL OR job_title IS NOT NULL OR seniority IS NOT NULL OR department IS NOT NULL
   OR phone IS NOT NULL OR linkedin_url IS NOT NULL OR company_name IS NOT NULL OR company_domain IS NOT NULL;
