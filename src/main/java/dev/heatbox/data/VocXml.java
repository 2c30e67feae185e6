package dev.heatbox.data;

import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** PASCAL VOC annotation XML (one file per image; 1-based inclusive pixel boxes). */
public final class VocXml {
    private VocXml() {}

    /** One object; the box is in VOC's own 1-based inclusive coordinates. */
    public record VocObject(String name, int xmin, int ymin, int xmax, int ymax,
                            boolean difficult, boolean truncated, Double score) {
        /** The same box as 0-based inclusive pixel indices. */
        public PixelBox pixelBox() {
            return new PixelBox(xmin - 1, ymin - 1, xmax - 1, ymax - 1);
        }

        public static VocObject of(String name, PixelBox b, boolean difficult, Double score) {
            return new VocObject(name, b.x0() + 1, b.y0() + 1, b.x1() + 1, b.y1() + 1, difficult, false, score);
        }
    }

    public record Annotation(String filename, int width, int height, int depth, List<VocObject> objects) {}

    public static void write(Path file, Annotation a) {
        StringBuilder s = new StringBuilder();
        s.append("<annotation>\n");
        s.append("  <folder>images</folder>\n");
        s.append("  <filename>").append(escape(a.filename())).append("</filename>\n");
        s.append("  <source><database>heatbox</database></source>\n");
        s.append("  <size>\n    <width>").append(a.width()).append("</width>\n    <height>").append(a.height())
                .append("</height>\n    <depth>").append(a.depth()).append("</depth>\n  </size>\n");
        s.append("  <segmented>0</segmented>\n");
        for (VocObject o : a.objects()) {
            s.append("  <object>\n");
            s.append("    <name>").append(escape(o.name())).append("</name>\n");
            s.append("    <pose>Unspecified</pose>\n");
            s.append("    <truncated>").append(o.truncated() ? 1 : 0).append("</truncated>\n");
            s.append("    <difficult>").append(o.difficult() ? 1 : 0).append("</difficult>\n");
            if (o.score() != null) {
                s.append("    <score>").append(String.format(Locale.ROOT, "%.6f", o.score())).append("</score>\n");
            }
            s.append("    <bndbox>\n");
            s.append("      <xmin>").append(o.xmin()).append("</xmin>\n");
            s.append("      <ymin>").append(o.ymin()).append("</ymin>\n");
            s.append("      <xmax>").append(o.xmax()).append("</xmax>\n");
            s.append("      <ymax>").append(o.ymax()).append("</ymax>\n");
            s.append("    </bndbox>\n");
            s.append("  </object>\n");
        }
        s.append("</annotation>\n");
        AtomicFiles.writeString(file, s.toString());
    }

    /** Reads one file with DTDs and external entities off: a DOCTYPE is refused outright. */
    public static Annotation read(Path file) {
        Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = secureBuilder().parse(in);
        } catch (SAXException e) {
            String msg = e.getMessage() == null ? "parse error" : e.getMessage();
            if (msg.contains("DOCTYPE")) {
                throw BadInputException.of(file, "DOCTYPE declarations are not allowed (DTDs and external entities are off)");
            }
            throw BadInputException.of(file, "malformed XML: " + msg.replace('\n', ' '));
        } catch (IOException e) {
            throw BadInputException.of(file, "cannot read: " + e.getMessage());
        }
        Element root = doc.getDocumentElement();
        if (!"annotation".equals(root.getTagName())) {
            throw BadInputException.of(file, "root element is <" + root.getTagName() + ">, expected <annotation>");
        }
        String filename = text(root, "filename");
        Element size = child(root, "size");
        int w = size == null ? 0 : intField(file, size, "width", 0);
        int h = size == null ? 0 : intField(file, size, "height", 0);
        int d = size == null ? 0 : intField(file, size, "depth", 0);
        List<VocObject> objects = new ArrayList<>();
        NodeList nodes = root.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element el && el.getTagName().equals("object")) {
                String name = text(el, "name");
                if (name == null || name.isBlank()) {
                    throw BadInputException.of(file, "object " + (objects.size() + 1) + " has no <name>");
                }
                Element bb = child(el, "bndbox");
                if (bb == null) {
                    throw BadInputException.of(file, "object '" + name + "' has no <bndbox>");
                }
                int xmin = coord(file, bb, "xmin");
                int ymin = coord(file, bb, "ymin");
                int xmax = coord(file, bb, "xmax");
                int ymax = coord(file, bb, "ymax");
                if (xmax < xmin || ymax < ymin) {
                    throw BadInputException.of(file, "object '" + name + "' has a negative-size box ("
                            + xmin + "," + ymin + "," + xmax + "," + ymax + ")");
                }
                boolean difficult = intField(file, el, "difficult", 0) != 0;
                boolean truncated = intField(file, el, "truncated", 0) != 0;
                String sc = text(el, "score");
                Double score = null;
                if (sc != null) {
                    try {
                        score = Double.parseDouble(sc.trim());
                    } catch (NumberFormatException e) {
                        throw BadInputException.of(file, "object '" + name + "' <score> is not a number: " + sc);
                    }
                }
                objects.add(new VocObject(name.trim(), xmin, ymin, xmax, ymax, difficult, truncated, score));
            }
        }
        return new Annotation(filename == null ? null : filename.trim(), w, h, d, objects);
    }

    static DocumentBuilder secureBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int coord(Path file, Element bb, String tag) {
        String t = text(bb, tag);
        if (t == null) {
            throw BadInputException.of(file, "<bndbox> has no <" + tag + ">");
        }
        try {
            // some tools write "12.0"; VOC boxes are whole pixels
            return (int) Math.round(Double.parseDouble(t.trim()));
        } catch (NumberFormatException e) {
            throw BadInputException.of(file, "<" + tag + "> is not a number: " + t.trim());
        }
    }

    private static int intField(Path file, Element parent, String tag, int dflt) {
        String t = text(parent, tag);
        if (t == null || t.isBlank()) {
            return dflt;
        }
        try {
            return (int) Math.round(Double.parseDouble(t.trim()));
        } catch (NumberFormatException e) {
            throw BadInputException.of(file, "<" + tag + "> is not a number: " + t.trim());
        }
    }

    private static Element child(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String tag) {
        Element e = child(parent, tag);
        return e == null ? null : e.getTextContent();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
