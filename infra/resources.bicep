// Everything functions-sample runs on, in one resource group. main.bicep explains the parameters.

@description('Azure region for every resource.')
param location string

@description('Tags for every resource; azd finds its environment by azd-env-name.')
param tags object

@minLength(13)
@maxLength(13)
@description('uniqueString() of the subscription, environment and region, so global names do not collide.')
param resourceToken string

@description('Elastic Premium instance size.')
param planSku string

@description('Always-ready instances of the function app.')
param alwaysReadyInstances int

@description('The most instances the plan may scale out to.')
param maximumInstances int

@description('Azure Managed Redis SKU.')
param redisSku string

@description('Azure Managed Redis clustering policy.')
param redisClusteringPolicy string

@description('Sse__MaxStreamDuration, as a TimeSpan (hh:mm:ss).')
param maxStreamDuration string

var functionAppName = 'func-${resourceToken}'

// Azure Managed Redis serves TLS on this port only; the package's URL names it.
var redisPort = 10000

// Built-in role definition ids (the same in every Azure cloud).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// A user-assigned identity, not the app's system-assigned one: it exists before the app, so the Redis access policy
// assignment and the role assignments below are made in this same deployment, and the app starts with its access in
// place instead of failing until a second deployment grants it. It also outlives the app when the app is recreated.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-${resourceToken}'
  location: location
  tags: tags
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: 'log-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    features: {
      disableLocalAuth: true
    }
  }
}

// Local (instrumentation key) authentication is off, so the connection string the app gets lets nobody send telemetry
// on its own: ingestion needs an Entra token of an identity holding Monitoring Metrics Publisher.
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

// The Functions host's own storage (keys, timer leases, diagnostics). Shared keys are off: the host reaches it with the
// identity, so no account key exists in any setting. That also rules out an Azure Files content share, which only
// takes a key; the app runs from the package deployed to it instead (WEBSITE_RUN_FROM_PACKAGE below).
resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: 'st${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

// What identity-based AzureWebJobsStorage needs: blobs (Owner, for the host's keys and leases), queues and tables
// (Contributor, for the host's internal queues and diagnostic events); scoped to this one account.
var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appInsightsRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource redis 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: 'redis-${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: redisSku
  }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: 'Enabled'
    // The app reaches the cache over its public endpoint, with TLS and Entra ID; this template adds no virtual network.
    publicNetworkAccess: 'Enabled'
  }
}

// Access keys off: only Microsoft Entra ID tokens let a client in, as on a cache created in the portal.
resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: redis
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: redisPort
    clusteringPolicy: redisClusteringPolicy
    accessKeysAuthentication: 'Disabled'
  }
}

// The data access policy 'default' (the only one Azure Managed Redis offers) for the app's identity: the Redis user is
// the identity's object id, and the token the app gets for it is the password.
resource redisAccess 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01' = {
  parent: redisDatabase
  name: 'functionapp'
  properties: {
    accessPolicyName: 'default'
    user: {
      objectId: identity.properties.principalId
    }
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: 'plan-${resourceToken}'
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
    // The plan's minimum instance count; the app's always-ready count below cannot exceed it.
    capacity: alwaysReadyInstances
  }
  properties: {
    reserved: true
    // At least the always-ready count, whatever maximumInstances says.
    maximumElasticWorkerCount: max(maximumInstances, alwaysReadyInstances)
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  location: location
  tags: union(tags, {
    'azd-service-name': 'functions'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      minimumElasticInstanceCount: alwaysReadyInstances
      functionAppScaleLimit: max(maximumInstances, alwaysReadyInstances)
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // HTTP/2 between browsers and the front end: over HTTP/1.1 a browser opens at most 6 connections per site, and
      // every open EventSource holds one, so a 7th tab (or stream) of the app waits. HTTP/2 ends at the front end, and
      // the Functions host forwards each chunk the worker flushes at once (its YARP forwarder copies without
      // buffering), so streaming behaves the same either way.
      http20Enabled: true
      appSettings: [
        {
          name: 'FUNCTIONS_EXTENSION_VERSION'
          value: '~4'
        }
        {
          name: 'FUNCTIONS_WORKER_RUNTIME'
          value: 'dotnet-isolated'
        }
        {
          // azd deploys a zip package (zip deploy); the app runs it read-only from the package (no content share).
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          name: 'AzureWebJobsStorage__queueServiceUri'
          value: storage.properties.primaryEndpoints.queue
        }
        {
          name: 'AzureWebJobsStorage__tableServiceUri'
          value: storage.properties.primaryEndpoints.table
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD;ClientId=${identity.properties.clientId}'
        }
        {
          // No password in the URL: the package gets Entra ID tokens for the identity named below.
          name: 'SSE_REDIS_URL'
          value: 'rediss://${redis.properties.hostName}:${redisPort}'
        }
        {
          name: 'SSE_REDIS_URL__credential'
          value: 'managedidentity'
        }
        {
          name: 'SSE_REDIS_URL__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'Sse__MaxStreamDuration'
          value: maxStreamDuration
        }
      ]
    }
  }
  dependsOn: [
    // The app starts as soon as it exists: its storage, telemetry and Redis access must be granted by then.
    storageRoleAssignments
    appInsightsRoleAssignment
    redisAccess
  ]
}

// No publishing with user names and passwords: azd and the Azure CLI deploy with Entra ID tokens. Two resources, not a
// loop: a loop's names are not known at compile time, and the compiler then stops checking the properties.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

output functionAppName string = functionApp.name
output streamUrl string = 'https://${functionApp.properties.defaultHostName}/api/stream'
output redisHostName string = redis.properties.hostName
output identityClientId string = identity.properties.clientId
