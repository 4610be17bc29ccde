// LiftPipeline on Azure Functions: storage (exports, datasets, reports, queues), a user-assigned identity with data
// roles, Log Analytics + Application Insights, the function app (.NET isolated worker `LiftPipeline.Functions`) and
// the Event Grid subscriptions that send BlobCreated under `lift/exports/*.parquet` to ExportArrived's blob trigger and
// under `lift/customers/*.parquet` to CustomerExportArrived's.
// Deploy into an existing resource group; see infra/README.md for the two-step deployment.

targetScope = 'resourceGroup'

@description('Azure region for every resource. Flex Consumption is offered in a subset of regions: `az functionapp list-flexconsumption-locations`.')
param location string = resourceGroup().location

@minLength(3)
@maxLength(11)
@description('Short lowercase prefix for resource names (letters and digits).')
param namePrefix string = 'lift'

@allowed([
  'flex'
  'elastic'
])
@description('flex: Flex Consumption FC1 (runtime dotnet-isolated, no shared keys). elastic: Elastic Premium EP1 on Linux (always-warm; needs an Azure Files content share, so shared-key access stays on).')
param hostingPlan string = 'flex'

@description('.NET version of the dotnet-isolated stack (the app targets net10.0). On Flex it must match the regional runtime catalog exactly: az functionapp list-flexconsumption-runtimes --location <region> --runtime dotnet-isolated.')
param dotnetRuntimeVersion string = '10.0'

@allowed([
  512
  2048
  4096
])
@description('Flex Consumption instance memory in MB.')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Flex Consumption upper bound on scale-out instances.')
param maximumInstanceCount int = 40

@description('Blob container holding campaigns, exports, datasets, reports and alerts (app setting LiftContainer).')
param liftContainerName string = 'lift'

@description('NCRONTAB schedule (UTC) of NightlyRun (app setting NightlySchedule).')
param nightlySchedule string = '0 0 2 * * *'

@description('Create the Event Grid subscriptions to ExportArrived\'s and CustomerExportArrived\'s blob triggers. Leave false on the first deployment: the code must be published first, because the host creates the blobs_extension system key the webhook URL needs and answers Event Grid\'s endpoint validation.')
param subscribeExportArrived bool = false

@description('Name of an existing Key Vault (RBAC authorization) in this resource group that holds webhook signing secrets; empty for none.')
param keyVaultName string = ''

@description('Key Vault secret names of webhook signing secrets, letters and digits only (e.g. GrowthHookSecret, valid as a secret and an app-setting name); each becomes app setting Webhooks__Secrets__{name} as a Key Vault reference. Ignored when keyVaultName is empty.')
param webhookSecretNames array = []

@description('Days Log Analytics keeps data.')
param logRetentionDays int = 30

@description('Tags applied to every resource.')
param tags object = {
  application: 'LiftPipeline'
}

// ---- Names ----------------------------------------------------------------------------------------------------

var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageAccountName = toLower(take('${namePrefix}st${suffix}', 24))
var functionAppName = '${namePrefix}-func-${suffix}'
var planName = '${namePrefix}-plan-${suffix}'
var identityName = '${namePrefix}-id-${suffix}'
var logAnalyticsName = '${namePrefix}-log-${suffix}'
var appInsightsName = '${namePrefix}-appi-${suffix}'
var systemTopicName = '${namePrefix}-storage-events-${suffix}'
var deploymentContainerName = 'app-package'
var contentShareName = toLower(take('${namePrefix}-content-${suffix}', 63))
var isFlex = hostingPlan == 'flex'

var queueNames = [
  'measure-requests'
  'alert-deliveries'
  'shard-statistics'
  'measure-requests-poison'
  'alert-deliveries-poison'
  'shard-statistics-poison'
]

// Built-in role definition ids.
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

// ---- Identity and monitoring ----------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // Ingestion only with Entra ID: the app authenticates with its identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
    DisableLocalAuth: true
  }
}

// ---- Storage --------------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Flex runs entirely on the identity. Elastic Premium mounts its content share with a connection string.
    allowSharedKeyAccess: !isFlex
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource liftContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: liftContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = if (isFlex) {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = if (!isFlex) {
  parent: storage
  name: 'default'
}

resource contentShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = if (!isFlex) {
  parent: fileService
  name: contentShareName
}

// ---- Role assignments (the identity is the app's only credential) ---------------------------------------------

// Blob Data Owner: the lift container (exports, datasets, reports), the host's own blobs and the Flex deployment container.
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roleIds.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Queue Data Contributor: queue triggers read and delete messages, the host writes -poison queues, handlers enqueue.
resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roleIds.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = if (!empty(keyVaultName)) {
  name: empty(keyVaultName) ? 'unused' : keyVaultName
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyVaultName)) {
  name: guid(resourceGroup().id, keyVaultName, identity.id, roleIds.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- App settings ---------------------------------------------------------------------------------------------

var blobServiceUri = storage.properties.primaryEndpoints.blob
var queueServiceUri = storage.properties.primaryEndpoints.queue
var tableServiceUri = storage.properties.primaryEndpoints.table

var commonSettings = {
  // Host storage, identity-based.
  AzureWebJobsStorage__blobServiceUri: blobServiceUri
  AzureWebJobsStorage__queueServiceUri: queueServiceUri
  AzureWebJobsStorage__tableServiceUri: tableServiceUri
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  // The `LiftStorage` connection of the blob trigger and the queue bindings, and of the functions' store (LiftStorageSettings).
  LiftStorage__blobServiceUri: blobServiceUri
  LiftStorage__queueServiceUri: queueServiceUri
  LiftStorage__credential: 'managedidentity'
  LiftStorage__clientId: identity.properties.clientId
  // DefaultAzureCredential in the store picks the user-assigned identity from AZURE_CLIENT_ID.
  AZURE_CLIENT_ID: identity.properties.clientId
  LiftContainer: liftContainerName
  NightlySchedule: nightlySchedule
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
}

// Flex takes the runtime from functionAppConfig and rejects the worker-runtime, extension-version and content settings.
var elasticSettings = isFlex
  ? {}
  : {
      FUNCTIONS_EXTENSION_VERSION: '~4'
      FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
      WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};EndpointSuffix=${environment().suffixes.storage};AccountKey=${storage.listKeys().keys[0].value}'
      WEBSITE_CONTENTSHARE: contentShareName
      WEBSITE_RUN_FROM_PACKAGE: '1'
    }

var webhookSettings = empty(keyVaultName)
  ? {}
  : toObject(
      webhookSecretNames,
      secretName => 'Webhooks__Secrets__${secretName}',
      secretName => '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretName})'
    )

var appSettings = union(commonSettings, elasticSettings, webhookSettings)

// ---- Plan and function app ------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex
    ? {
        name: 'FC1'
        tier: 'FlexConsumption'
      }
    : {
        name: 'EP1'
        tier: 'ElasticPremium'
      }
  properties: isFlex
    ? {
        reserved: true
      }
    : {
        reserved: true
        maximumElasticWorkerCount: 20
      }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: tags
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
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: isFlex
      ? {
          deployment: {
            storage: {
              type: 'blobContainer'
              value: '${blobServiceUri}${deploymentContainerName}'
              authentication: {
                type: 'UserAssignedIdentity'
                userAssignedIdentityResourceId: identity.id
              }
            }
          }
          runtime: {
            name: 'dotnet-isolated'
            version: dotnetRuntimeVersion
          }
          scaleAndConcurrency: {
            instanceMemoryMB: instanceMemoryMB
            maximumInstanceCount: maximumInstanceCount
          }
        }
      : null
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      linuxFxVersion: isFlex ? null : 'DOTNET-ISOLATED|${dotnetRuntimeVersion}'
    }
  }
  dependsOn: [
    blobOwner
    queueContributor
    deploymentContainer
    contentShare
  ]
}

// App settings as their own resource so a redeployment replaces the whole set (settings added by hand are dropped).
resource functionAppSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: appSettings
  dependsOn: [
    secretsUser
    metricsPublisher
  ]
}

// ---- Event Grid: BlobCreated under exports/ ending in .parquet -> ExportArrived --------------------------------

// The blob extension's webhook, where a blob trigger with source EventGrid receives its events, authorized by the
// host's system key blobs_extension (which the host creates once it has run the blob trigger, hence the second step).
// Microsoft.Web/sites/host has no Bicep type definitions, so its keys are listed by resource id.
var exportArrivedWebhook = 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.ExportArrived'

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource exportArrivedSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (subscribeExportArrived) {
  parent: systemTopic
  name: 'export-arrived'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: '${exportArrivedWebhook}&code=${listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${liftContainerName}/blobs/exports/'
      subjectEndsWith: '.parquet'
      isSubjectCaseSensitive: false
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
  dependsOn: [
    functionAppSettings
  ]
}

// ---- Event Grid: BlobCreated under customers/ ending in .parquet -> CustomerExportArrived ----------------------

var customerExportArrivedWebhook = 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.CustomerExportArrived'

resource customerExportArrivedSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (subscribeExportArrived) {
  parent: systemTopic
  name: 'customer-export-arrived'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: '${customerExportArrivedWebhook}&code=${listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${liftContainerName}/blobs/customers/'
      subjectEndsWith: '.parquet'
      isSubjectCaseSensitive: false
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
  dependsOn: [
    functionAppSettings
    exportArrivedSubscription
  ]
}

// ---- Outputs --------------------------------------------------------------------------------------------------

output functionAppName string = functionApp.name
output storageAccountName string = storage.name
output liftContainerName string = liftContainer.name
output deploymentContainerName string = isFlex ? deploymentContainerName : ''
output identityClientId string = identity.properties.clientId
output hostingPlan string = hostingPlan
output eventGridSystemTopicName string = systemTopic.name
