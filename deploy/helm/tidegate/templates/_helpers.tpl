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

{{- define "tidegate.controllerAddress" -}}
{{ include "tidegate.fullname" . }}-controller.{{ .Release.Namespace }}.svc:{{ .Values.controller.ports.xds }}
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
  resources: [services, secrets]
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
  resources: [backendpolicies, clienttrafficpolicies, httproutefilters, grpctargets]
  verbs: [list, watch]
- apiGroups: [tidegate.io]
  resources: [backendpolicies/status, clienttrafficpolicies/status, httproutefilters/status, grpctargets/status]
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
