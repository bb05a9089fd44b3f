module sse-gateway/examples

go 1.19
