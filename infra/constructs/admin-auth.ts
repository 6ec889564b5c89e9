// Sign-in for administrators: a Cognito user pool (administrators are created by an administrator, never
// sign themselves up; MFA by authenticator app is required; long passwords) with an app client, and the HTTP
// API's JWT authorizer that trusts its tokens. The local cloud emulates the authorizer from the template
// (issuer and audience) with a locally signed token. The administrators named in the CDK context
// `adminEmails` are created in the pool and invited by e-mail; the pool's and client's ids are stack outputs.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnUserPoolUser,
  Mfa,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface AdminAuthProps {
  /** Addresses of the first administrators (CDK context `adminEmails`); more are added with the AWS CLI. */
  adminEmails?: readonly string[];
}

export class AdminAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: AdminAuthProps = {}) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Administrators', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const rule of ['AwsSolutions-COG3', 'AwsSolutions-COG8']) {
      Validations.of(this.userPool).acknowledge({
        id: rule,
        reason:
          'Threat protection needs the Plus feature plan; whether a county pays for it is decided with the AWS ' +
          'hardening of the deployment. Sign-up is closed and MFA is required meanwhile.',
      });
    }
    this.client = this.userPool.addClient('Dashboard', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
    // ID tokens carry the client id as `aud`, access tokens as `client_id`: API Gateway accepts either.
    this.authorizer = new HttpJwtAuthorizer('AdminAuthorizer', this.userPool.userPoolProviderUrl, {
      jwtAudience: [this.client.userPoolClientId],
    });

    // The pool signs in by e-mail address, so the address is the user name. Cognito mails each a temporary
    // password (valid tempPasswordValidity); the address counts as verified since the county named it.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpooluser.html
    // Named by the address, so that removing one from the list deletes that user only.
    for (const email of new Set(props.adminEmails ?? [])) {
      new CfnUserPoolUser(this, `Administrator-${email}`, {
        userPoolId: this.userPool.userPoolId,
        username: email,
        userAttributes: [
          { name: 'email', value: email },
          { name: 'email_verified', value: 'true' },
        ],
        desiredDeliveryMediums: ['EMAIL'],
      });
    }
    new CfnOutput(this, 'UserPoolId', {
      value: this.userPool.userPoolId,
      description:
        'The administrators’ Cognito user pool (aws cognito-idp admin-create-user --user-pool-id …)',
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.client.userPoolClientId,
      description: 'The dashboard’s app client: the audience of the admin routes’ JWT authorizer',
    });
  }
}
