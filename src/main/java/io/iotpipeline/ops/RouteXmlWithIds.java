package io.iotpipeline.ops;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.spi.ModelToXMLDumper;
import org.apache.camel.xml.LwModelToXMLDumper;

/**
 * The routes' XML as camel-xml-io writes it ({@code dumpRoutesAsXml}, what Hawtio draws), with {@code customId="true"}
 * on every step whose id the routes set. Camel 4's writer drops that attribute always, and Hawtio labels a diagram node
 * with its id only when the attribute is there: with it, an operator reads {@code unmarshal-events},
 * {@code commit-offsets} instead of {@code Bean ingestBatch…}.
 */
public final class RouteXmlWithIds implements ModelToXMLDumper {

    private static final Pattern ID = Pattern.compile("(<[\\w:-]+\\s[^>]*?\\bid=\")([^\"]+)(\")");
    private static final Pattern GENERATED = Pattern.compile("[a-zA-Z]+[0-9]+");

    private final ModelToXMLDumper xml = new LwModelToXMLDumper();

    /** Makes this the context's route XML writer. */
    public static void install(CamelContext context) {
        context.getCamelContextExtension().addContextPlugin(ModelToXMLDumper.class, new RouteXmlWithIds());
    }

    @Override
    public String dumpModelAsXml(CamelContext context, NamedNode definition) throws Exception {
        return marked(xml.dumpModelAsXml(context, definition));
    }

    @Override
    public String dumpModelAsXml(CamelContext context, NamedNode definition, boolean resolvePlaceholders,
            boolean generatedIds, boolean sourceLocation) throws Exception {
        return marked(xml.dumpModelAsXml(context, definition, resolvePlaceholders, generatedIds,
                sourceLocation));
    }

    @Override
    public String dumpBeansAsXml(CamelContext context, List<Object> beans) throws Exception {
        return xml.dumpBeansAsXml(context, beans);
    }

    @Override
    public String dumpDataFormatsAsXml(CamelContext context, Map<String, Object> dataFormats) throws Exception {
        return xml.dumpDataFormatsAsXml(context, dataFormats);
    }

    /**
     * Marks every id that Camel did not generate. Camel generates ids as an EIP name and a counter ({@code to12},
     * {@code when3}); the model's own customId flag is not reliable for that, it is false for the steps inside a
     * choice's branches even when the route gave them ids.
     */
    static String marked(String text) {
        Matcher id = ID.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + text.length() / 8);
        while (id.find()) {
            boolean mark = !GENERATED.matcher(id.group(2)).matches() && !id.group(1).contains("customId=");
            id.appendReplacement(out, Matcher.quoteReplacement(id.group(1) + id.group(2) + id.group(3)
                    + (mark ? " customId=\"true\"" : "")));
        }
        id.appendTail(out);
        return out.toString();
    }
}
