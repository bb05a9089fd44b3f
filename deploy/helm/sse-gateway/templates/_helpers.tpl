{{/* Chart name. */}}
{{- define "sse-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, at most 63 characters (sub-resources add short suffixes, kept
     within 63 by truncating the base to 52). */}}
{{- define "sse-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sse-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource, without the component. */}}
{{- define "sse-gateway.baseLabels" -}}
helm.sh/chart: {{ include "sse-gateway.chart" . }}
app.kubernetes.io/name: {{ include "sse-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sse-gateway
{{- end }}

{{/* Labels of the gateway's resources. */}}
{{- define "sse-gateway.labels" -}}
{{ include "sse-gateway.baseLabels" . }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "sse-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sse-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "sse-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sse-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the Secret with the publish key and JWT secret. */}}
{{- define "sse-gateway.authSecretName" -}}
{{- default (include "sse-gateway.fullname" .) .Values.auth.existingSecret }}
{{- end }}

{{/* Name of the Secret with the Redis URL: the user's, or the chart's own (shared with auth). */}}
{{- define "sse-gateway.redisSecretName" -}}
{{- if .Values.redis.existingSecret }}
{{- .Values.redis.existingSecret }}
{{- else }}
{{- printf "%s-redis" (include "sse-gateway.fullname" .) }}
{{- end }}
{{- end }}

{{/* "true" when the gateway is given a Redis at all. */}}
{{- define "sse-gateway.hasRedis" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret .Values.evalRedis.enabled }}true{{ end }}
{{- end }}

{{/* The Redis URL the chart stores in its own Secret. */}}
{{- define "sse-gateway.redisUrl" -}}
{{- if .Values.redis.url }}
{{- .Values.redis.url }}
{{- else if .Values.evalRedis.enabled }}
{{- printf "redis://%s-redis:6379" (include "sse-gateway.fullname" .) }}
{{- end }}
{{- end }}

{{/* Most pods that can run at once without autoscaling, or the HPA minimum. */}}
{{- define "sse-gateway.minReplicas" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{/* Headless Service name, and its DNS name for Hazelcast's Kubernetes DNS discovery. */}}
{{- define "sse-gateway.headlessName" -}}
{{- printf "%s-hazelcast" (include "sse-gateway.fullname" .) }}
{{- end }}

{{- define "sse-gateway.clusterDns" -}}
{{- printf "%s.%s.svc.%s" (include "sse-gateway.headlessName" .) .Release.Namespace .Values.clusterDomain }}
{{- end }}

{{/* terminationGracePeriodSeconds: preStop sleep + drain window + margin, or the explicit value,
     which must exceed preStop sleep + drain window + 10 s (the gateway's own stop allowance). */}}
{{- define "sse-gateway.gracePeriod" -}}
{{- $floor := add .Values.drain.preStopSleepSeconds .Values.drain.windowSeconds }}
{{- $explicit := int .Values.drain.terminationGracePeriodSeconds }}
{{- if gt $explicit 0 }}
{{- if le $explicit (int (add $floor 10)) }}
{{- fail (printf "drain.terminationGracePeriodSeconds (%d) must exceed drain.preStopSleepSeconds + drain.windowSeconds + 10 s (%d): Kubernetes would kill the pod in the middle of its drain and its remaining clients would reconnect all at once" $explicit (int (add $floor 10))) }}
{{- end }}
{{- $explicit }}
{{- else }}
{{- add $floor .Values.drain.marginSeconds }}
{{- end }}
{{- end }}

{{/* URL scheme of the pods' HTTP port. */}}
{{- define "sse-gateway.scheme" -}}
{{- if .Values.tls.enabled }}HTTPS{{ else }}HTTP{{ end }}
{{- end }}

{{/* Where secret files are mounted in the gateway container. */}}
{{- define "sse-gateway.jwtKeyDir" -}}/etc/sse-gateway/jwt{{- end }}
{{- define "sse-gateway.tlsDir" -}}/etc/sse-gateway/tls{{- end }}

{{/* Render-time checks that keep a wrong install from starting. */}}
{{- define "sse-gateway.validate" -}}
{{- if and (gt (int (include "sse-gateway.minReplicas" .)) 1) (not (include "sse-gateway.hasRedis" .)) }}
{{- fail "more than one pod needs a Redis: set redis.url (or redis.existingSecret), or evalRedis.enabled=true to try it out. Without Redis each pod only sees the events published to itself" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not (include "sse-gateway.hasRedis" .)) }}
{{- fail "autoscaling needs a Redis: set redis.url (or redis.existingSecret), or evalRedis.enabled=true" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.existingSecret }}
{{- fail "set either redis.url or redis.existingSecret, not both" }}
{{- end }}
{{- if and .Values.evalRedis.enabled (or .Values.redis.url .Values.redis.existingSecret) }}
{{- fail "evalRedis.enabled runs its own Redis: leave redis.url and redis.existingSecret empty" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) }}
{{- fail "autoscaling.maxReplicas must be at least autoscaling.minReplicas" }}
{{- end }}
{{- if .Values.auth.jwt.enabled }}
{{- if and (eq .Values.auth.jwt.mode "publicKey") (not .Values.auth.jwt.publicKey) (not .Values.auth.existingSecret) }}
{{- fail "auth.jwt.mode=publicKey needs auth.jwt.publicKey (PEM) or auth.existingSecret holding it" }}
{{- end }}
{{- if and (eq .Values.auth.jwt.mode "jwks") (not .Values.auth.jwt.jwksUrl) }}
{{- fail "auth.jwt.mode=jwks needs auth.jwt.jwksUrl" }}
{{- end }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.secretName) }}
{{- fail "tls.enabled needs tls.secretName (a kubernetes.io/tls Secret)" }}
{{- end }}
{{- $max := get .Values.gateway.config "SSE_MAX_CONNECTIONS" }}
{{- if and $max .Values.autoscaling.enabled .Values.autoscaling.connections.enabled }}
{{- if ge (float64 .Values.autoscaling.connections.averageValue) (float64 $max) }}
{{- fail (printf "autoscaling.connections.averageValue (%v) must stay below SSE_MAX_CONNECTIONS (%v): pods would refuse clients before the HPA adds pods" .Values.autoscaling.connections.averageValue $max) }}
{{- end }}
{{- end }}
{{- range $k, $v := .Values.gateway.config }}
{{- if has $k (list "SSE_HTTP_PORT" "SSE_CLUSTER_PORT" "SSE_CLUSTER_DNS" "SSE_CLUSTER_MEMBERS" "SSE_CLUSTER_NAME" "SSE_CLUSTER_BIND" "SSE_DRAIN_MS" "SSE_REDIS_URL" "SSE_REDIS_MODE" "SSE_REDIS_MASTER" "SSE_REDIS_PREFIX" "SSE_PUBLISH_KEY" "SSE_ADMIN_KEY" "SSE_JWT_SECRET" "SSE_JWT_PUBLIC_KEY_FILE" "SSE_JWT_ALGORITHM" "SSE_JWT_JWKS_URL" "SSE_JWT_ISSUER" "SSE_JWT_AUDIENCE" "SSE_PUBLIC_TOPICS" "SSE_TLS_CERT" "SSE_TLS_KEY" "SSE_NODE_ID" "SSE_LOG_FORMAT" "SSE_CORS_ORIGINS" "SSE_TRUSTED_PROXIES") }}
{{- fail (printf "gateway.config.%s is set by the chart from its own values (see values.yaml): set that value instead, so ports, probes, grace period and secrets stay consistent" $k) }}
{{- end }}
{{- end }}
{{- end }}
