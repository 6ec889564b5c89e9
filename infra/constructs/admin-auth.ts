// Sign-in for administrators: a Cognito user pool (administrators are created by an administrator, never
// sign themselves up; MFA by authenticator app is required; long passwords) with its managed login on a
// Cognito domain, an app client for the dashboard's browser sign-in (authorization code with PKCE, callback
// and sign-out URLs on the HTTP API under /admin/auth/), the groups that give roles (functions/domain/roles.ts),
// and the admin routes' Lambda REQUEST authorizer that verifies the pool's tokens from the session cookie or
// the Authorization header. The local cloud runs the same authorizer against its own OpenID provider, which
// stands in for the pool (local/cloud/oidc.ts). The administrators named in the CDK context `adminEmails` are
// created in the pool, put in the `admin` group and invited by e-mail.
// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-managed-login.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html

import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  CfnUserPoolGroup,
  CfnUserPoolUser,
  CfnUserPoolUserToGroupAttachment,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { CALLBACK_PATH, SIGN_OUT_PATH } from '#lib/oidc.ts';
import { PilotFlowFunction } from './function.ts';

export interface AdminAuthProps {
  /** Addresses of the first administrators (CDK context `adminEmails`); more are added with the AWS CLI. */
  adminEmails?: readonly string[];
  /** The HTTP API's public URL, where the managed login returns (the callback and sign-out URLs). */
  apiBaseUrl: string;
}

/** The groups that give roles (functions/domain/roles.ts); `admin:<programme>`… are created as needed. */
export const ROLE_GROUPS = ['admin', 'viewer'] as const;

export class AdminAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  readonly authorizer: HttpLambdaAuthorizer;
  readonly authorizerFunction: PilotFlowFunction;
  /** What the sign-in handlers and the authorizer are configured with. */
  readonly environment: { AUTH_ISSUER: string; AUTH_CLIENT_ID: string };

  constructor(scope: Construct, id: string, props: AdminAuthProps) {
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
    // A prefix domain needs a name unique in the region: `pilotflow-` and the first part of the stack's id.
    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: {
        domainPrefix: Fn.join('-', [
          'pilotflow',
          Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID)))),
        ]),
      },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // A public client (a browser's sign-in, no secret): the code flow with PKCE, which the handler always sends.
    this.client = this.userPool.addClient('Dashboard', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${props.apiBaseUrl}${CALLBACK_PATH}`],
        logoutUrls: [`${props.apiBaseUrl}${SIGN_OUT_PATH}`],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
    // The newer managed login shows its pages only for a client with a style: Cognito's own.
    new CfnManagedLoginBranding(this, 'LoginStyle', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    for (const group of ROLE_GROUPS) {
      new CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description:
          group === 'admin'
            ? 'Every dashboard action on every programme'
            : 'Reads every programme; acts on none',
      });
    }
    this.environment = {
      AUTH_ISSUER: this.userPool.userPoolProviderUrl,
      AUTH_CLIENT_ID: this.client.userPoolClientId,
    };
    this.authorizerFunction = new PilotFlowFunction(this, 'Authorizer', {
      handler: 'admin-authorizer',
      description: 'Verifies the administrators’ Cognito token (session cookie or Bearer header) for /admin',
      timeout: Duration.seconds(10),
      environment: this.environment,
    });
    // No identity sources and no result cache: with identity sources, API Gateway answers 401 before the
    // authorizer runs whenever one of them is missing, and a browser sends no Authorization header while an
    // API client sends no cookie (functions/handlers/admin-authorizer.ts).
    this.authorizer = new HttpLambdaAuthorizer('AdminSession', this.authorizerFunction.fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });

    // The pool signs in by e-mail address, so the address is the user name. Cognito mails each a temporary
    // password (valid tempPasswordValidity); the address counts as verified since the county named it.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpooluser.html
    // Named by the address, so that removing one from the list deletes that user only.
    for (const email of new Set(props.adminEmails ?? [])) {
      const user = new CfnUserPoolUser(this, `Administrator-${email}`, {
        userPoolId: this.userPool.userPoolId,
        username: email,
        userAttributes: [
          { name: 'email', value: email },
          { name: 'email_verified', value: 'true' },
        ],
        desiredDeliveryMediums: ['EMAIL'],
      });
      const inGroup = new CfnUserPoolUserToGroupAttachment(this, `Admin-${email}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: 'admin',
        username: email,
      });
      inGroup.addDependency(user);
      inGroup.addDependency(this.node.findChild('Group-admin') as CfnUserPoolGroup);
    }
    new CfnOutput(this, 'UserPoolId', {
      value: this.userPool.userPoolId,
      description:
        'The administrators’ Cognito user pool (aws cognito-idp admin-create-user --user-pool-id …)',
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.client.userPoolClientId,
      description: 'The dashboard’s app client (browser sign-in with the authorization code and PKCE)',
    });
    new CfnOutput(this, 'SignInUrl', {
      value: `${props.apiBaseUrl}/admin/auth/sign-in`,
      description:
        'Sign in to the dashboard with a browser (a user of the pool, in the admin or viewer group)',
    });
  }
}
