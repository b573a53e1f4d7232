// Package config reads the certbroker CLI's configuration file.
//
// The file is YAML and names the origins the CLI can reach, one per cloud
// account:
//
//	origins:
//	  alibaba:
//	    type: alibaba
//	    region: cn-hangzhou
//	    access_key_id: ${ALIBABA_CLOUD_ACCESS_KEY_ID}
//	    access_key_secret: ${ALIBABA_CLOUD_ACCESS_KEY_SECRET}
//	  huawei:
//	    type: huawei
//	    region: ap-southeast-1
//	    project_id: ${HUAWEICLOUD_SDK_PROJECT_ID}
//	    ak: ${HUAWEICLOUD_SDK_AK}
//	    sk: ${HUAWEICLOUD_SDK_SK}
//
// Rules:
//
//   - Unknown keys are errors, and so are keys that belong to another type
//     (project_id on an alibaba origin).
//   - ${NAME} in a string value is replaced by the environment variable NAME.
//     A variable that is not set is an error naming it; every missing
//     variable is reported at once. Values are never printed.
//   - Secrets (access_key_secret, security_token, sk) are held as [Secret],
//     whose String, GoString, LogValue and marshalling methods redact them.
//   - An endpoint may use plain http only on a loopback host (127.0.0.0/8,
//     ::1, localhost); otherwise it must be https.
//
// This package knows nothing of the adapters: it produces plain values that
// the CLI turns into adapter configurations. [Find] implements the search
// order for the file (./certbroker.yaml, then
// $XDG_CONFIG_HOME/certbroker/config.yaml, falling back to
// ~/.config/certbroker/config.yaml).
package config
