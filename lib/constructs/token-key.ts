import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface TokenKeyProps {
  /** @default RemovalPolicy.RETAIN: losing the key would invalidate every tenant's token. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The service's token HMAC keyring, one secret for the whole service (DESIGN.md "Tenants and tokens").
 * Secrets Manager generates the first key at deploy time, so it never appears in the template:
 * `{"current":"k1","k1":"<64 random characters>"}`. Rotation adds a key and moves `current`.
 */
export class TokenKey extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: TokenKeyProps = {}) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'HMAC keyring for SCIM tenant token digests',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: 'k1' }),
        generateStringKey: 'k1',
        excludePunctuation: true,
        passwordLength: 64,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation adds a key version and moves "current" while old digests keep verifying (docs/operations.md); replacing the value on a schedule would invalidate every tenant token.',
    });
  }
}
