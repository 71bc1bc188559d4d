package beam

import (
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	// The accumulators of the feature and profile combines carry Loom's own
	// encodings (their state is unexported, which Beam's schema coder
	// would drop).
	beam.RegisterCoder(reflect.TypeFor[*passAcc](), encodePassAcc, decodePassAcc)
	beam.RegisterCoder(reflect.TypeFor[*profAcc](), encodeProfAcc, decodeProfAcc)
	register.Combiner3[*profAcc, []byte, []byte](&mergeProfileFn{})
	register.Function3x1(appendTotal)
	register.Function2x1(extractProfile)
	register.Emitter1[[]byte]()
}
