package dev.heatbox.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocXmlTest {
    @Test
    void roundTripKeepsBoxesFlagsAndScores(@TempDir Path tmp) {
        Path f = tmp.resolve("a.xml");
        VocXml.write(f, new VocXml.Annotation("a & b.jpg", 640, 480, 3, List.of(
                VocXml.VocObject.of("dog", new PixelBox(0, 9, 99, 199), false, 0.75),
                VocXml.VocObject.of("cat<1>", new PixelBox(5, 5, 5, 5), true, null))));
        VocXml.Annotation a = VocXml.read(f);
        assertEquals("a & b.jpg", a.filename());
        assertEquals(640, a.width());
        assertEquals(new PixelBox(0, 9, 99, 199), a.objects().get(0).pixelBox());
        assertEquals(1, a.objects().get(0).xmin(), "VOC is 1-based");
        assertEquals(0.75, a.objects().get(0).score());
        assertEquals("cat<1>", a.objects().get(1).name());
        assertTrue(a.objects().get(1).difficult());
        assertEquals(null, a.objects().get(1).score());
    }

    @Test
    void externalEntitiesAreRefused(@TempDir Path tmp) throws IOException {
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, "top secret");
        Path f = tmp.resolve("xxe.xml");
        Files.writeString(f, "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file://" + secret + "\">]>\n"
                + "<annotation><filename>&x;</filename></annotation>");
        BadInputException e = assertThrows(BadInputException.class, () -> VocXml.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void billionLaughsIsRefused(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("lol.xml");
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            s.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        s.append("]>\n<annotation><filename>&lol9;</filename></annotation>");
        Files.writeString(f, s);
        assertThrows(BadInputException.class, () -> VocXml.read(f));
    }

    @Test
    void malformedAndNegativeBoxesNameTheFile(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("bad.xml");
        Files.writeString(f, "<annotation><object><name>dog</name><bndbox><xmin>10</xmin>");
        BadInputException e = assertThrows(BadInputException.class, () -> VocXml.read(f));
        assertTrue(e.getMessage().contains("bad.xml") && e.getMessage().contains("malformed XML"), e.getMessage());
        Files.writeString(f, "<annotation><object><name>dog</name><bndbox><xmin>10</xmin><ymin>1</ymin>"
                + "<xmax>5</xmax><ymax>3</ymax></bndbox></object></annotation>");
        e = assertThrows(BadInputException.class, () -> VocXml.read(f));
        assertTrue(e.getMessage().contains("negative-size"), e.getMessage());
    }
}
