// Provisions functions-sample on an Azure Functions Elastic Premium plan, the way the README tells users to run in
// production: Linux, .NET 10 isolated worker, always-ready instances, Azure Managed Redis reached with Microsoft Entra ID,
// identity-based host storage, Application Insights on Log Analytics. No secret in any parameter, setting or output.
// `azd up` deploys it (see azure.yaml); it is compiled and linted by the test command, never deployed from here.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every resource. It must offer both the Elastic Premium plan and Azure Managed Redis.')
param location string

@allowed([
  'EP1'
  'EP2'
  'EP3'
])
@description('Elastic Premium instance size: EP1 is 1 vCPU and 3.5 GB, EP2 twice that, EP3 four times.')
param planSku string = 'EP1'

@minValue(1)
@maxValue(20)
@description('Always-ready instances: warm instances that browsers reconnect to after a stream ends, a deployment or a scale-in.')
param alwaysReadyInstances int = 1

@minValue(1)
@maxValue(100)
@description('The most instances the plan may scale out to.')
param maximumInstances int = 10

@description('Azure Managed Redis SKU. Balanced_B0 is the smallest; any Balanced_, ComputeOptimized_ or MemoryOptimized_ size works.')
param redisSku string = 'Balanced_B0'

@allowed([
  'OSSCluster'
  'EnterpriseCluster'
])
@description('OSSCluster (Azure\'s default): the client sees every shard. EnterpriseCluster: one endpoint behind a proxy.')
param redisClusteringPolicy string = 'OSSCluster'

// A stream is one Functions invocation for as long as it is open, and an invocation that outlives host.json's
// functionTimeout (00:30:00 in this repository) makes the host restart the whole worker, ending every stream on it.
// Streams therefore end by themselves before Sse__MaxStreamDuration; the cap keeps the setting well under the timeout,
// and the floor keeps it above Sse:MaxStreamDurationJitter's default of 2 minutes, which the package requires.
@minValue(3)
@maxValue(20)
@description('Minutes after which a stream ends by itself (Sse__MaxStreamDuration); keep it well under host.json\'s functionTimeout.')
param maxStreamDurationMinutes int = 15

var tags = {
  'azd-env-name': environmentName
}

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'resources'
  scope: rg
  params: {
    location: location
    tags: tags
    resourceToken: toLower(uniqueString(subscription().id, environmentName, location))
    planSku: planSku
    alwaysReadyInstances: alwaysReadyInstances
    maximumInstances: maximumInstances
    redisSku: redisSku
    redisClusteringPolicy: redisClusteringPolicy
    maxStreamDuration: '00:${padLeft(string(maxStreamDurationMinutes), 2, '0')}:00'
  }
}

// azd reads these into the environment (`azd env get-values`); none of them is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output SSE_STREAM_URL string = resources.outputs.streamUrl
output AZURE_REDIS_HOST_NAME string = resources.outputs.redisHostName
output AZURE_IDENTITY_CLIENT_ID string = resources.outputs.identityClientId
