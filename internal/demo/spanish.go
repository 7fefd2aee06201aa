package demo

import "github.com/signon-coalition/signon/internal/signon"

// The Spanish texts of the sample statements: a coalition of migrant-led
// groups publishes in both languages, and the demo shows the switch
// between them. They say they are sample data as plainly as the English.

func spanishLetter() *signon.StatementText {
	return &signon.StatementText{
		Language:    "es",
		Title:       "Muestra: Carta a la Cumbre de Líderes de América del Norte",
		Summary:     "DATOS DE MUESTRA. Una carta ficticia de la ficticia Red de Muestra por la Justicia Migrante, añadida por el modo de demostración de Signon para mostrar cómo funciona una carta de adhesiones. No es una carta real y sus firmantes no son organizaciones reales.",
		Body:        letterBodyES,
		AddressedTo: "El Presidente de México, el Primer Ministro de Canadá y el Presidente de Estados Unidos",
		Occasion:    "Cumbre de Líderes de América del Norte",
	}
}

func spanishResponse() *signon.StatementText {
	return &signon.StatementText{
		Language:    "es",
		Title:       "Muestra: Respuesta a la Cumbre de Líderes de América del Norte",
		Summary:     "DATOS DE MUESTRA. Una declaración de respuesta ficticia de la ficticia Red de Muestra por la Justicia Migrante después de la cumbre, añadida por el modo de demostración de Signon para mostrar cómo se ven una declaración publicada y sus firmantes.",
		Body:        responseBodyES,
		AddressedTo: "Los líderes de México, Canadá y Estados Unidos, y el público",
		Occasion:    "Cumbre de Líderes de América del Norte",
	}
}

const letterBodyES = `> **Estos son datos de muestra.** La Red de Muestra por la Justicia
> Migrante y todas las organizaciones que firman esta carta son ficticias.
> Signon añade esta carta cuando arranca con ` + "`--demo`" + `, para mostrar
> cómo se ve una carta de adhesiones y cómo la firman las organizaciones.

Al Presidente de México, al Primer Ministro de Canadá y al Presidente de
Estados Unidos:

Con motivo de la Cumbre de Líderes de América del Norte, les escribimos como
organizaciones dirigidas por personas migrantes, centros de trabajadores,
albergues y clínicas legales de nuestros tres países. Nuestras integrantes
cosechan los cultivos, construyen las casas, cuidan a niñas, niños y personas
mayores, y limpian los hospitales de los que depende toda la región. Pedimos
que las personas que se desplazan dentro y a través de América del Norte
estén en el centro de su agenda, no en sus márgenes.

Cada año se separan familias en las fronteras, los trabajadores con visas
temporales quedan atados a un solo empleador que puede devolverlos a su país
por alzar la voz, y quienes buscan protección esperan durante meses en
condiciones inseguras. Esto no es consecuencia de la migración; es
consecuencia de políticas que cada uno de sus gobiernos puede cambiar.

Les pedimos:

1. **Proteger el derecho a solicitar asilo** en todas las fronteras, y poner
   fin a las políticas que devuelven a las personas al peligro.
2. **Abrir vías regulares y seguras** de trabajo y de reunificación
   familiar, para que nadie tenga que arriesgar la vida para llegar a un
   empleo o a un ser querido.
3. **Garantizar los derechos laborales** de los trabajadores temporales y de
   temporada, incluida la libertad de cambiar de empleador y de organizarse.
4. **Poner fin a la detención de familias** e invertir en alternativas
   comunitarias, junto con las organizaciones que ya acompañan a quienes
   llegan.
5. **Consultar a las organizaciones dirigidas por migrantes** antes de
   asumir compromisos, e informar públicamente de lo que cada gobierno hace
   para cumplirlos.

Estamos dispuestas a trabajar con sus gobiernos. También estaremos atentas a
lo que salga de esta cumbre, y contaremos a nuestras comunidades lo que
veamos.

Atentamente,

La Red de Muestra por la Justicia Migrante y las organizaciones firmantes
(datos de muestra).
`

const responseBodyES = `> **Estos son datos de muestra.** Esta respuesta, la Red de Muestra por la
> Justicia Migrante y todas las firmantes son ficticias. Signon la añade
> cuando arranca con ` + "`--demo`" + `, para mostrar cómo se ve una
> declaración de respuesta publicada.

Antes de la Cumbre de Líderes de América del Norte, organizaciones de
nuestros tres países firmaron una carta que pedía a los líderes poner a las
personas migrantes en el centro de su agenda. Esta es nuestra respuesta a lo
que salió de la reunión.

Celebramos que los líderes reconozcan la migración como una responsabilidad
regional compartida, y su compromiso declarado de ampliar las vías regulares
de trabajo. Un compromiso en papel es un comienzo. Los trabajadores con visas
temporales siguen sin poder cambiar de empleador, y nada en la declaración
conjunta los protege cuando denuncian abusos.

Nos preocupa que la cumbre haya hablado mucho más de control que de
protección. El derecho a solicitar asilo se mencionó una vez; las condiciones
en que esperan las personas no se mencionaron. La detención de familias
continúa.

Exigiremos a cada gobierno que cumpla su palabra. En los próximos meses
nuestras integrantes van a:

- documentar cómo se usan las nuevas vías de trabajo, y quién las usa;
- pedir a cada gobierno un informe público antes de la próxima cumbre;
- seguir apoyando a las familias que no pueden esperar a que cambien las
  políticas.

Firmada por la Red de Muestra por la Justicia Migrante y las organizaciones
firmantes (datos de muestra).
`
