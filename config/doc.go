// Package config reads certbroker's configuration, a YAML file or the
// clouds' environment variables, and builds a broker from it in one call:
//
//	cfg, err := config.Load("certbroker.yaml")
//	if err != nil {
//		return err // names the file, the line and the key; never a secret
//	}
//	b, err := cfg.Broker()
//
// The file names the origins a broker routes to, one per cloud account:
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
//	    sk_file: /run/secrets/huawei_sk
//
// Rules:
//
//   - Unknown keys are errors, and so are keys that belong to another type
//     (project_id on an alibaba origin). Every error gives the line of the
//     key at fault, syntax errors included.
//   - ${NAME} in a string value is replaced by the environment variable
//     NAME or, when NAME is not set and NAME_FILE is, by the content of
//     that file (one trailing newline dropped); NAME and NAME_FILE both set
//     is an error. A variable that is not set is an error naming it; every
//     missing variable is reported at once. Values are never printed.
//   - Secrets (access_key_secret, security_token, sk) may instead be read
//     from a file named by the same key with _file appended
//     (sk_file: /run/secrets/sk), the convention for secrets mounted as
//     files; a relative path is taken from the configuration file's
//     directory. A key and its _file variant cannot both be set.
//   - Secrets are held as [Secret], whose String, GoString, LogValue and
//     marshalling methods redact them, so a Config printed with %v or
//     logged with log/slog shows [Redacted].
//   - An endpoint may use plain http only on a loopback host (127.0.0.0/8,
//     ::1, localhost); otherwise it must be https.
//
// [FromEnv] builds the origins "alibaba" and "huawei" from the clouds'
// standard variables instead, with the same NAME_FILE rule. [Find]
// implements the certbroker command's search order for the file
// (./certbroker.yaml, then $XDG_CONFIG_HOME/certbroker/config.yaml,
// falling back to ~/.config/certbroker/config.yaml).
//
// This is a wiring package, like the certbroker command: it imports the
// broker and both adapters (alibaba, huawei) so that one call can build
// everything. The broker and the adapters know nothing of it; code that
// wants only some adapters, or its own providers, builds a broker with
// [broker.New] and [broker.Broker.Register] directly.
package config
