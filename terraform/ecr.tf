# The image repository. Tags are immutable: a tag always names the same image, so a task definition revision
# always runs what was reviewed, and rollback means pointing image_tag back at the previous tag.

resource "aws_ecr_repository" "terrafix" {
  name                 = local.name
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_lifecycle_policy" "terrafix" {
  repository = aws_ecr_repository.terrafix.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Untagged images (superseded build layers) after 7 days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 7
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the newest ${var.ecr_keep_images} tagged images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_keep_images
        }
        action = { type = "expire" }
      },
    ]
  })
}
