{{/* Names, labels and RBAC rules shared by the templates. */}}

{{- define "tidegate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tidegate.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "tidegate.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The controller Service's in-cluster DNS name. */}}
{{- define "tidegate.controllerHost" -}}
{{ include "tidegate.fullname" . }}-controller.{{ .Release.Namespace }}.svc
{{- end -}}

{{/* Where gateways fetch their configuration: the mutual-TLS port, or the plaintext one without TLS. */}}
{{- define "tidegate.controllerAddress" -}}
{{ include "tidegate.controllerHost" . }}:{{ if .Values.xdsTls.enabled }}{{ .Values.controller.ports.xdsTls }}{{ else }}{{ .Values.controller.ports.xds }}{{ end }}
{{- end -}}

{{/* "true" when the plaintext xDS port is open to the pod network (always without TLS: gateways need it). */}}
{{- define "tidegate.plaintextXdsExposed" -}}
{{- if or (not .Values.xdsTls.enabled) .Values.controller.exposePlaintextXds -}}true{{- end -}}
{{- end -}}

{{/* Where the xDS TLS Secrets are mounted, in the controller and in gateway pods. */}}
{{- define "tidegate.xdsTlsDir" -}}/etc/tidegate/xds-tls{{- end -}}

{{/*
Every gateway Deployment as a JSON list of {name, proxyGroup, replicas, ports, service}:
the default gateway (when enabled) and each of extraGateways. Read with fromJsonArray.
*/}}
{{- define "tidegate.gateways" -}}
{{- $gateways := list }}
{{- if .Values.gateway.enabled }}
{{- $ports := list (dict "name" "http" "port" .Values.gateway.service.httpPort "containerPort" .Values.gateway.ports.http) (dict "name" "https" "port" .Values.gateway.service.httpsPort "containerPort" .Values.gateway.ports.https) }}
{{- $gateways = append $gateways (dict "name" "gateway" "proxyGroup" .Values.gateway.proxyGroup "replicas" .Values.gateway.replicas "ports" $ports "service" .Values.gateway.service) }}
{{- end }}
{{- range .Values.extraGateways }}
{{- $gateways = append $gateways (dict "name" (printf "gateway-%s" .name) "proxyGroup" .proxyGroup "replicas" (.replicas | default 1) "ports" .ports "service" (.service | default $.Values.gateway.service)) }}
{{- end }}
{{- toJson $gateways }}
{{- end -}}

{{/* Hardened container defaults: Envoy and Node need neither root nor a writable root file system. */}}
{{- define "tidegate.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* What the controller reads in the namespaces it watches, and the status it writes there. */}}
{{- define "tidegate.namespacedRules" -}}
- apiGroups: [""]
  resources: [services, secrets, configmaps]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
- apiGroups: [networking.k8s.io]
  resources: [ingresses]
  verbs: [list, watch]
- apiGroups: [networking.k8s.io]
  resources: [ingresses/status]
  verbs: [patch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [gateways, httproutes, grpcroutes, tlsroutes, tcproutes, referencegrants, backendtlspolicies]
  verbs: [list, watch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [gateways/status, httproutes/status, grpcroutes/status, tlsroutes/status, tcproutes/status, backendtlspolicies/status]
  verbs: [patch]
- apiGroups: [tidegate.io]
  resources: [backendpolicies, clienttrafficpolicies, securitypolicies, httproutefilters, grpctargets]
  verbs: [list, watch]
- apiGroups: [tidegate.io]
  resources: [backendpolicies/status, clienttrafficpolicies/status, securitypolicies/status, httproutefilters/status, grpctargets/status]
  verbs: [patch]
- apiGroups: [networking.higress.io]
  resources: [mcpbridges]
  verbs: [list, watch]
{{- end -}}

{{/* Cluster-scoped kinds the controller reads (and GatewayClass status it writes). */}}
{{- define "tidegate.clusterRules" -}}
- apiGroups: [""]
  resources: [namespaces]
  verbs: [list, watch]
- apiGroups: [networking.k8s.io]
  resources: [ingressclasses]
  verbs: [list, watch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [gatewayclasses]
  verbs: [list, watch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [gatewayclasses/status]
  verbs: [patch]
{{- end -}}
