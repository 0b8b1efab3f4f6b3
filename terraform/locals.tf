data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name       = "terrafix-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # GITHUB_REPO_MAPPING as the service reads it: a JSON object.
  github_repo_mapping_json = jsonencode(try(jsondecode(var.github_repo_mapping), var.github_repo_mapping))

  # "token" when a pre-minted token is given (the guide's terraform.tfvars), else OAuth client credentials.
  vanta_auth_mode = coalesce(var.vanta_auth_mode, nonsensitive(var.vanta_api_token != null) ? "token" : "client_credentials")

  # CloudWatch namespace of the service's embedded-metric-format log lines (docs/deployment.md, "Alarms").
  metrics_namespace = "TerraFix/${var.environment}"
}

# ---- Bedrock: what the task role may invoke ----------------------------------------------------------------
# A cross-region inference profile is invoked in aws_region and routes each request to the foundation model in
# one of its destination regions; IAM checks both (the profile, and the model where the request lands). So the
# task role gets InvokeModel on the profile, and on the foundation model in each destination region only when
# the call comes through that profile (bedrock:InferenceProfileArn). Converse uses the same action.
locals {
  # Destination regions of the system-defined profiles by geography prefix, as documented for the Claude 4.5
  # models. Profiles differ per model: set bedrock_destination_regions when the model's page says otherwise.
  bedrock_geo_regions = {
    us   = ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]
    eu   = ["eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"]
    apac = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-4"]
    jp   = ["ap-northeast-1", "ap-northeast-3"]
    au   = ["ap-southeast-2", "ap-southeast-4"]
    ca   = ["ca-central-1", "ca-west-1"]
  }

  bedrock_model_is_arn = startswith(var.bedrock_model_id, "arn:")
  bedrock_prefix       = split(".", var.bedrock_model_id)[0]
  bedrock_is_global    = !local.bedrock_model_is_arn && local.bedrock_prefix == "global"
  bedrock_is_profile = local.bedrock_model_is_arn || local.bedrock_is_global || (
    contains(keys(local.bedrock_geo_regions), local.bedrock_prefix) && length(split(".", var.bedrock_model_id)) > 2
  )

  bedrock_foundation_model = (
    local.bedrock_model_is_arn ? coalesce(var.bedrock_foundation_model_id, "unset") :
    local.bedrock_is_profile ? join(".", slice(split(".", var.bedrock_model_id), 1, length(split(".", var.bedrock_model_id)))) :
    var.bedrock_model_id
  )

  bedrock_profile_arn = (
    local.bedrock_model_is_arn ? var.bedrock_model_id :
    "arn:${local.partition}:bedrock:${var.aws_region}:${local.account_id}:inference-profile/${var.bedrock_model_id}"
  )

  # Global profiles route to any commercial region; IAM then also matches a region-less foundation-model ARN.
  bedrock_destination_regions = (
    var.bedrock_destination_regions != null ? var.bedrock_destination_regions :
    local.bedrock_is_global ? ["*"] :
    local.bedrock_is_profile && !local.bedrock_model_is_arn ? local.bedrock_geo_regions[local.bedrock_prefix] :
    [var.aws_region]
  )

  bedrock_foundation_model_arns = concat(
    [for r in local.bedrock_destination_regions : "arn:${local.partition}:bedrock:${r}::foundation-model/${local.bedrock_foundation_model}"],
    local.bedrock_is_global ? ["arn:${local.partition}:bedrock:::foundation-model/${local.bedrock_foundation_model}"] : [],
  )
}
