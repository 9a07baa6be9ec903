module github.com/qyzmet/qyzmet

go 1.26

require (
	github.com/rickar/cal/v2 v2.1.13
	github.com/smallstep/pkcs7 v0.2.3
	github.com/stretchr/testify v1.12.1
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
