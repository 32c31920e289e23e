import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WebFirewallProps {
  /** The API Gateway stage to protect: `arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>`. */
  readonly stageArn: string;
  /**
   * Requests one tenant token may make per minute before WAF answers 429. Entra needs 25 per
   * second per tenant (../shared/entra/README.md §6): the default allows 100.
   * @default 6000
   */
  readonly perTenantPerMinute?: number;
  /** @default 600: requests per minute from one IP that carry no Authorization header at all. */
  readonly unauthenticatedPerIpPerMinute?: number;
}

/** Managed rules that would refuse what Entra really sends. */
export const ENTRA_SAFE_OVERRIDES = [
  // Entra's provisioning service may send no User-Agent (../shared/entra/README.md §0).
  'NoUserAgent_HEADER',
  // A PATCH adding hundreds of members is far above the rule's 8 KB body limit; the chain enforces 1 MiB.
  'SizeRestrictions_BODY',
] as const;

const SCIM_429_BODY = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: '429',
  detail: 'Too many requests for this tenant: retry after the interval in Retry-After.',
});

/**
 * Per-tenant protection: a rate-based rule keyed on the Authorization header, i.e. on the tenant's
 * Secret Token — one tenant's flood is refused with a SCIM 429 and Retry-After while the others
 * carry on. (WAF cannot key on one segment of the path; every SCIM request carries its tenant's
 * token, and a tenant has at most two.) Requests without a token are rate-limited per IP instead;
 * Entra's IPs are shared by every tenant, so authenticated requests are never limited per IP.
 */
export class WebFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const tooMany = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: 'scim429',
          responseHeaders: [{ name: 'Retry-After', value: '60' }],
        },
      },
    };
    this.webAcl = new CfnWebACL(this, 'Acl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('scim'),
      customResponseBodies: { scim429: { contentType: 'APPLICATION_JSON', content: SCIM_429_BODY } },
      rules: [
        {
          name: 'PerTenantRate',
          priority: 0,
          action: tooMany,
          visibilityConfig: visibility('scim-per-tenant'),
          statement: {
            rateBasedStatement: {
              limit: props.perTenantPerMinute ?? 6000,
              evaluationWindowSec: 60,
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
            },
          },
        },
        {
          name: 'UnauthenticatedPerIpRate',
          priority: 1,
          action: tooMany,
          visibilityConfig: visibility('scim-unauthenticated'),
          statement: {
            rateBasedStatement: {
              limit: props.unauthenticatedPerIpPerMinute ?? 600,
              evaluationWindowSec: 60,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                notStatement: {
                  statement: {
                    sizeConstraintStatement: {
                      fieldToMatch: { singleHeader: { Name: 'authorization' } },
                      comparisonOperator: 'GT',
                      size: 0,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
            },
          },
        },
        {
          name: 'CommonRuleSet',
          priority: 2,
          overrideAction: { none: {} },
          visibilityConfig: visibility('scim-common'),
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              ruleActionOverrides: ENTRA_SAFE_OVERRIDES.map((name) => ({ name, actionToUse: { count: {} } })),
            },
          },
        },
        {
          name: 'KnownBadInputs',
          priority: 3,
          overrideAction: { none: {} },
          visibilityConfig: visibility('scim-bad-inputs'),
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
