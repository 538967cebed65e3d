/**
 * Token formats that vendors document, recognised anywhere in text: the scrubber's catalogue of vendor secrets.
 *
 * Checklist followed: the default rule set of gitleaks (`config/gitleaks.toml` of github.com/gitleaks/gitleaks
 * at commit 009e025ad4106ab333aa0b9dc4f2a884390d134c, 218 rules), cross-checked against the rules of
 * secretlint's recommended preset (`@secretlint/secretlint-rule-preset-recommend` 13.0.7). Every rule of the
 * checklist is accounted for in docs/secret-scrubbing.md: by a format below, by the key or parameter it stands
 * after, by its shape (a long random token), or as an identifier that is no secret. Gitleaks' rules that need a
 * vendor's name beside the value (`datadog ... = <40 hex>`) are not formats: those values are caught by the key
 * they stand after or by their shape.
 *
 * A format that starts with no literal of its own (a MaxMind license key, a Mailchimp key, a New Relic license
 * key: long random tokens with a short suffix) is left to the random-token rule, which catches it by its shape
 * and costs less than trying such a pattern at every token start.
 *
 * Each pattern is written here, not copied, so that it runs in time linear in its input (the ReDoS test runs
 * recheck over every one): it starts at a literal or where a token starts (a lookbehind that excludes every
 * character its body repeats), and an attempt that fails has scanned at most a bounded prefix. Lengths are
 * lower bounds where a vendor may lengthen its tokens: a longer secret is still a secret.
 */
export type SecretFamily =
  | 'cloud'
  | 'source hosts and CI'
  | 'chat and social'
  | 'payment'
  | 'e-mail and SMS'
  | 'package registries'
  | 'AI APIs'
  | 'observability'
  | 'databases'
  | 'identity and secret stores'
  | 'generic';

export interface SecretFormat {
  /** Vendor and kind, as on-call would name it. */
  name: string;
  family: SecretFamily;
  /** The checklist's rule ids this format covers. */
  gitleaks: readonly string[];
  pattern: RegExp;
}

export const SECRET_FORMATS: readonly SecretFormat[] = [
  // Cloud providers and platforms
  {
    name: 'AWS access key id',
    family: 'cloud',
    gitleaks: ['aws-access-token'],
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/,
  },
  { name: 'Google API key', family: 'cloud', gitleaks: ['gcp-api-key'], pattern: /(?<![\w-])AIza[\w-]{30,}/ },
  {
    name: 'Google OAuth client secret, access and refresh tokens',
    family: 'cloud',
    gitleaks: [],
    pattern: /(?<![\w.-])(?:GOCSPX-[\w-]{20,}|ya29\.[\w-]{20,}(?:\.[\w-]+)*)|(?<![\w/-])1\/\/0[\w-]{20,}/,
  },
  {
    name: 'Azure AD client secret',
    family: 'cloud',
    gitleaks: ['azure-ad-client-secret'],
    pattern: /(?<![\w~.-])[\w~.]{3}[0-9]Q~[\w~.-]{30,}/,
  },
  {
    name: 'Alibaba Cloud access key id',
    family: 'cloud',
    gitleaks: ['alibaba-access-key-id'],
    pattern: /(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,}/,
  },
  {
    name: 'DigitalOcean token',
    family: 'cloud',
    gitleaks: ['digitalocean-access-token', 'digitalocean-pat', 'digitalocean-refresh-token'],
    pattern: /(?<![\w-])do[opr]_v1_[a-f0-9]{32,}/,
  },
  {
    name: 'Heroku API key (v2)',
    family: 'cloud',
    gitleaks: ['heroku-api-key-v2'],
    pattern: /(?<![\w-])HRKU-AA[\w-]{40,}/,
  },
  {
    name: 'Cloudflare origin CA key and API tokens',
    family: 'cloud',
    gitleaks: ['cloudflare-origin-ca-key'],
    pattern: /(?<![\w.-])v1\.0-[a-f0-9]{24}-[a-f0-9]{100,}|(?<![\w-])cf(?:k|ut|at)_[A-Za-z0-9]{40,}/,
  },
  {
    name: 'Fly.io token',
    family: 'cloud',
    gitleaks: ['flyio-access-token'],
    pattern: /(?<![\w-])fo1_[\w-]{40,}|(?<![\w+/-])fm[12][ar]?_[A-Za-z0-9+/]{60,}/,
  },
  {
    name: 'Scalingo API token',
    family: 'cloud',
    gitleaks: ['scalingo-api-token'],
    pattern: /(?<![\w-])tk-us-[\w-]{40,}/,
  },
  {
    name: 'OpenShift user token',
    family: 'cloud',
    gitleaks: ['openshift-user-token'],
    pattern: /(?<![\w~-])sha256~[\w-]{40,}/,
  },
  {
    name: 'Yandex Cloud API key',
    family: 'cloud',
    gitleaks: ['yandex-api-key'],
    pattern: /(?<![\w-])AQVN[\w-]{35,}/,
  },
  {
    name: 'Vercel and Tailscale tokens',
    family: 'cloud',
    gitleaks: [],
    pattern: /(?<![\w-])(?:vc[pikar]_[A-Za-z0-9]{20,}|tskey-[a-z]{2,20}-[\w-]{20,})/,
  },

  // Source hosts, CI and deployment
  {
    name: 'GitHub token',
    family: 'source hosts and CI',
    gitleaks: [
      'github-pat',
      'github-oauth',
      'github-app-token',
      'github-refresh-token',
      'github-fine-grained-pat',
    ],
    pattern: /(?<![\w.-])(?:gh[pousr]_[\w-]{20,}(?:\.[\w-]+){0,2}|github_pat_\w{20,})/,
  },
  {
    name: 'GitLab token',
    family: 'source hosts and CI',
    gitleaks: [
      'gitlab-pat',
      'gitlab-pat-routable',
      'gitlab-deploy-token',
      'gitlab-feed-token',
      'gitlab-runner-authentication-token',
      'gitlab-runner-authentication-token-routable',
      'gitlab-scim-token',
      'gitlab-oauth-app-secret',
      'gitlab-feature-flag-client-token',
      'gitlab-incoming-mail-token',
      'gitlab-kubernetes-agent-token',
      'gitlab-cicd-job-token',
      'gitlab-ptt',
      'gitlab-rrt',
    ],
    pattern:
      /(?<![\w.-])(?:gl(?:pat|dt|ft|rt|soat|oas|ffct|imt|agent|cbt|ptt)-[\w-]{20,}(?:\.[\w-]+){0,2}|GR1348941[\w-]{20,})/,
  },
  {
    name: 'GitLab session cookie',
    family: 'source hosts and CI',
    gitleaks: ['gitlab-session-cookie'],
    pattern: /(?<![\w-])_gitlab_session=[0-9a-z]{32,}/,
  },
  {
    name: 'Atlassian API token',
    family: 'source hosts and CI',
    gitleaks: ['atlassian-api-token'],
    pattern: /(?<![\w-])ATATT3[\w-]{100,}(?:=[\w-]*)?|(?<![\w-])ATBB[A-Za-z0-9]{28,}/,
  },
  {
    name: 'HashiCorp Terraform Cloud token',
    family: 'source hosts and CI',
    gitleaks: ['hashicorp-tf-api-token'],
    pattern: /(?<![\w.-])[A-Za-z0-9]{14}\.atlasv1\.[\w-]{60,}/,
  },
  {
    name: 'Pulumi, Harness, Octopus Deploy, Postman, Prefect, Infracost and ReadMe tokens',
    family: 'source hosts and CI',
    gitleaks: [
      'pulumi-api-token',
      'harness-api-key',
      'octopus-deploy-api-key',
      'postman-api-token',
      'prefect-api-token',
      'infracost-api-token',
      'readme-api-token',
    ],
    pattern:
      /(?<![\w.-])(?:pul-[a-f0-9]{40}|[ps]at\.[\w-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}|API-[A-Z0-9]{26}(?![\w-])|PMAK-[A-Fa-f0-9]{24}-[A-Fa-f0-9]{34}|pnu_[A-Za-z0-9]{36}|ico-[A-Za-z0-9]{32}|rdme_[a-z0-9]{70})/,
  },
  {
    name: 'Sourcegraph, Linear, Frame.io, Typeform, Figma, Notion and Airtable tokens',
    family: 'source hosts and CI',
    gitleaks: [
      'sourcegraph-access-token',
      'linear-api-key',
      'frameio-api-token',
      'typeform-api-token',
      'notion-api-token',
    ],
    pattern:
      /(?<![\w.-])(?:sgp_\w{40,}|lin_api_[A-Za-z0-9]{32,}|fio-u-[\w-]{40,}|tfp_[\w=-]{20,}(?:\.[\w=-]+)*|figd_[\w-]{40,}|ntn_[0-9]{11}[A-Za-z0-9]{30,}|pat[A-Za-z0-9]{14}\.[a-f0-9]{64})/,
  },
  {
    name: 'Sidekiq credentials',
    family: 'source hosts and CI',
    gitleaks: ['sidekiq-secret'],
    pattern: /(?<![\w-])BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM=[a-f0-9]{8}:[a-f0-9]{8}/,
  },

  // Chat and social
  {
    name: 'Slack token',
    family: 'chat and social',
    gitleaks: [
      'slack-bot-token',
      'slack-user-token',
      'slack-app-token',
      'slack-legacy-bot-token',
      'slack-legacy-token',
      'slack-legacy-workspace-token',
      'slack-config-access-token',
      'slack-config-refresh-token',
    ],
    pattern: /(?<![\w.-])(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|xoxe\.xox[bp]-[\w-]{20,})/,
  },
  {
    name: 'Slack webhook URL',
    family: 'chat and social',
    gitleaks: ['slack-webhook-url'],
    pattern: /(?:https?:\/\/)?(?<![\w.-])hooks\.slack(?:-gov)?\.com\/[\w/-]+/,
  },
  {
    name: "Slack webhook path without its host (as Slack's errors echo it)",
    family: 'chat and social',
    gitleaks: [],
    pattern: /(?<![\w/-])\/?(?:services|workflows|triggers)\/T[A-Z0-9]{2,}\/[\w/-]+/,
  },
  {
    name: 'Microsoft Teams webhook URL',
    family: 'chat and social',
    gitleaks: ['microsoft-teams-webhook'],
    pattern: /https?:\/\/[\w-]+\.webhook\.office\.com\/[\w@/.-]*|(?<![\w/-])webhookb2\/[\w@/.-]+/,
  },
  {
    name: 'Telegram bot token',
    family: 'chat and social',
    gitleaks: ['telegram-bot-api-token'],
    pattern: /(?<![\w:-])[0-9]{5,16}:A[\w-]{34,}/,
  },
  {
    name: 'Discord bot token',
    family: 'chat and social',
    gitleaks: [],
    pattern: /(?<![\w.-])[MNO][\w-]{23,25}\.[\w-]{6}\.[\w-]{27,}/,
  },
  {
    name: 'Facebook access token',
    family: 'chat and social',
    gitleaks: ['facebook-access-token', 'facebook-page-access-token'],
    pattern: /(?<![\w|%-])[0-9]{15,16}(?:\||%7[Cc])[\w-]{27,}|(?<![\w-])EAA[MC][A-Za-z0-9]{60,}/,
  },
  {
    name: 'Twitter (X) bearer token',
    family: 'chat and social',
    gitleaks: ['twitter-bearer-token'],
    pattern: /(?<![\w%-])A{20}[A-Za-z0-9%]{60,}/,
  },

  // Payment
  {
    name: 'Stripe secret, restricted and webhook signing key',
    family: 'payment',
    gitleaks: ['stripe-access-token'],
    pattern: /(?<![\w-])(?:[sr]k_(?:live|test|prod)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9]{24,})/,
  },
  {
    name: 'Square access token and secret',
    family: 'payment',
    gitleaks: ['square-access-token'],
    pattern: /(?<![\w-])(?:EAAA[\w-]{22,}|sq0(?:atp|csp)-[\w-]{22,})/,
  },
  {
    name: 'PayPal Braintree access token',
    family: 'payment',
    gitleaks: [],
    pattern: /(?<![\w$-])access_token\$(?:production|sandbox)\$[\w$]{20,}/,
  },
  {
    name: 'Shopify token and shared secret',
    family: 'payment',
    gitleaks: [
      'shopify-access-token',
      'shopify-custom-access-token',
      'shopify-private-app-access-token',
      'shopify-shared-secret',
    ],
    pattern: /(?<![\w-])shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,}/,
  },
  {
    name: 'Flutterwave, Shippo, Duffel, EasyPost, Razorpay and Plaid keys',
    family: 'payment',
    gitleaks: [
      'flutterwave-secret-key',
      'flutterwave-encryption-key',
      'shippo-api-token',
      'duffel-api-token',
      'easypost-api-token',
      'easypost-test-api-token',
      'plaid-api-token',
    ],
    pattern:
      /(?<![\w-])(?:FLWSECK(?:_TEST)?-[A-Za-z0-9]{12,}(?:-X)?|shippo_(?:live|test)_[A-Fa-f0-9]{40}|duffel_(?:live|test)_[\w=-]{40,}|EZ[AT]K[A-Za-z0-9]{54}|rzp_(?:live|test)_[A-Za-z0-9]{14,}|access-(?:sandbox|development|production)-[a-f0-9-]{36})/,
  },

  // E-mail and SMS
  {
    name: 'SendGrid API key',
    family: 'e-mail and SMS',
    gitleaks: ['sendgrid-api-token'],
    pattern: /(?<![\w.-])SG\.[\w-]{16,}\.[\w-]{16,}/,
  },
  {
    name: 'Brevo (Sendinblue) API and SMTP key',
    family: 'e-mail and SMS',
    gitleaks: ['sendinblue-api-token'],
    pattern: /(?<![\w-])x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}/,
  },
  {
    name: 'Mailgun private key',
    family: 'e-mail and SMS',
    gitleaks: ['mailgun-private-api-token'],
    pattern: /(?<![\w-])key-[a-f0-9]{32}(?![\w-])/,
  },
  {
    name: 'Twilio API key',
    family: 'e-mail and SMS',
    gitleaks: ['twilio-api-key'],
    pattern: /(?<![\w-])SK[0-9a-fA-F]{32}(?![\w-])/,
  },

  // Package registries
  {
    name: 'npm, PyPI, RubyGems, Clojars, Docker Hub and JFrog Artifactory tokens',
    family: 'package registries',
    gitleaks: [
      'npm-access-token',
      'pypi-upload-token',
      'rubygems-api-token',
      'clojars-api-token',
      'artifactory-api-key',
      'artifactory-reference-token',
    ],
    pattern:
      /(?<![\w-])(?:npm_[A-Za-z0-9]{30,}|pypi-AgEIcHlwaS5vcmc[\w-]{50,}|rubygems_[a-f0-9]{48}|(?:CLOJARS|clojars)_[A-Za-z0-9]{60}|dckr_pat_[\w-]{27,}|AKCp[A-Za-z0-9]{60,}|cmVmd[A-Za-z0-9]{59,})/,
  },

  // AI APIs
  {
    name: 'OpenAI, Anthropic and other sk- keys',
    family: 'AI APIs',
    gitleaks: ['openai-api-key', 'anthropic-api-key', 'anthropic-admin-api-key'],
    pattern: /(?<![\w-])sk-[\w-]{20,}/,
  },
  {
    name: 'Groq, Perplexity, Hugging Face, Replicate and xAI keys',
    family: 'AI APIs',
    gitleaks: ['perplexity-api-key', 'huggingface-access-token', 'huggingface-organization-api-token'],
    pattern:
      /(?<![\w-])(?:gsk_[A-Za-z0-9]{40,}|pplx-[A-Za-z0-9]{40,}|hf_[A-Za-z]{30,}|api_org_[A-Za-z]{30,}|r8_[A-Za-z0-9]{30,}|xai-[A-Za-z0-9]{60,})/,
  },

  // Observability
  {
    name: 'Sentry auth token',
    family: 'observability',
    gitleaks: ['sentry-org-token', 'sentry-user-token'],
    pattern:
      /(?<![\w+/-])sntrys_[A-Za-z0-9+/]{40,}={0,2}(?:_[A-Za-z0-9+/]{20,})?|(?<![\w-])sntryu_[a-f0-9]{64}/,
  },
  {
    name: 'Grafana API key, cloud and service account tokens',
    family: 'observability',
    gitleaks: ['grafana-api-key', 'grafana-cloud-api-token', 'grafana-service-account-token'],
    pattern: /(?<![\w+/-])(?:eyJrIjoi[A-Za-z0-9]{60,}|glc_[A-Za-z0-9+/]{32,})|(?<![\w-])glsa_\w{32,}/,
  },
  {
    name: 'New Relic keys',
    family: 'observability',
    gitleaks: ['new-relic-user-api-key', 'new-relic-insert-key'],
    pattern: /(?<![\w-])(?:NRAK-[A-Z0-9]{27}|NRII-[\w-]{32})/,
  },
  {
    name: 'Dynatrace API token',
    family: 'observability',
    gitleaks: ['dynatrace-api-token'],
    pattern: /(?<![\w.-])dt0[a-z][0-9]{2}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}/,
  },

  // Databases and data platforms
  {
    name: 'PlanetScale, Databricks, ClickHouse Cloud and Supabase tokens',
    family: 'databases',
    gitleaks: [
      'planetscale-api-token',
      'planetscale-oauth-token',
      'planetscale-password',
      'databricks-api-token',
      'clickhouse-cloud-api-secret-key',
    ],
    pattern:
      /(?<![\w.-])(?:pscale_(?:tkn|oauth|pw)_[\w=-]{32,}|dapi[a-f0-9]{32}(?:-[0-9])?|4b1d[A-Za-z0-9]{38}|sbp_[a-f0-9]{40})/,
  },

  // Identity providers and secret stores
  {
    name: 'HashiCorp Vault token',
    family: 'identity and secret stores',
    gitleaks: ['vault-service-token', 'vault-batch-token'],
    pattern: /(?<![\w.-])(?:hv[sbr]\.[\w-]{24,}|s\.(?=[A-Za-z]{0,23}[0-9])[A-Za-z0-9]{24}(?![\w.-]))/,
  },
  {
    name: '1Password secret key and service account token',
    family: 'identity and secret stores',
    gitleaks: ['1password-secret-key', '1password-service-account-token'],
    pattern: /(?<![\w-])A3-[A-Z0-9]{6}-[A-Z0-9-]{20,}|(?<![\w+/-])ops_eyJ[A-Za-z0-9+/]{100,}/,
  },
  {
    name: 'Doppler, Authress, Adobe, age, Intra 42, Settlemint, Defined Networking and Dropbox secrets',
    family: 'identity and secret stores',
    gitleaks: [
      'doppler-api-token',
      'authress-service-client-access-key',
      'adobe-client-secret',
      'age-secret-key',
      'intra42-client-secret',
      'settlemint-application-access-token',
      'settlemint-personal-access-token',
      'settlemint-service-access-token',
      'defined-networking-api-token',
      'dropbox-short-lived-api-token',
    ],
    pattern:
      /(?<![\w.-])(?:dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,}|(?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_-][\w.+/=-]{30,}|p8e-[A-Za-z0-9]{32}|AGE-SECRET-KEY-1[0-9A-Z]{58}|s-s4t2(?:ud|af)-[a-f0-9]{64}|sm_[aps]at_[A-Za-z0-9]{16}|dnkey-[\w=-]{26}-[\w=-]{52}|sl\.[\w=-]{130,})/,
  },

  // Not tied to one vendor
  {
    name: 'JSON Web Token',
    family: 'generic',
    gitleaks: ['jwt'],
    pattern: /(?<![\w.-])eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/,
  },
  {
    name: 'Base64-encoded JSON Web Token',
    family: 'generic',
    gitleaks: ['jwt-base64'],
    pattern: /(?<![\w+/-])ZXlK[A-Za-z0-9+/]{40,}={0,2}/,
  },
  {
    name: 'PEM or PGP private key, from BEGIN to END (or to 16 KB, a bound no real key reaches)',
    family: 'generic',
    gitleaks: ['private-key'],
    pattern:
      /-----BEGIN [A-Z0-9 ]{0,32}PRIVATE KEY(?: BLOCK)?-----(?:[^-]|-(?!----END)){0,16384}(?:-----END [A-Z0-9 ]{0,32}PRIVATE KEY(?: BLOCK)?-----)?/,
  },
  {
    name: 'curl credentials (`-u user:password`)',
    family: 'generic',
    gitleaks: ['curl-auth-user'],
    pattern: /(?<![\w=-])(?:-u|--user)[ \t=]["']?[^\s:"']+:[^\s"']+/,
  },
];

/**
 * All formats as one pattern, one pass over the text instead of one per format. No format starts inside a run
 * of letters and digits, nor at a space or a sign other than `_ - / . ~`; saying so once, in front, spares
 * trying every format at each of those positions (two thirds of the time on ordinary text, nine tenths on a
 * run of spaces or `@`).
 */
export const SECRET_FORMATS_PATTERN = new RegExp(
  `(?<![A-Za-z0-9])(?=[\\w./~-])(?:${SECRET_FORMATS.map(({ pattern }) => `(?:${pattern.source})`).join('|')})`,
  'g',
);
