package dev.heatbox.tune;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.DatasetFolder;
import dev.heatbox.data.PixelBox;
import dev.heatbox.explain.GroundTruthTargets;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tuning images, decoded once: each image with its first labelled category's model classes
 * (WSOL's GT-known protocol: the image's class is its first annotation's) and that category's
 * boxes at the map's size.
 */
record TuneImages(List<float[]> tensors, List<List<GroundTruthTargets.Target>> targets, List<List<PixelBox>> boxes,
                  int mapHeight, int mapWidth) {

    static TuneImages read(DatasetFolder.Loaded data, Path classes, SplitModel m) {
        Cv.load();
        GroundTruthTargets gt = new GroundTruthTargets(data.coco(), classes == null ? null : ClassMap.read(classes, m.labels()),
                m.labels());
        int h = m.input().height;
        int w = m.input().width;
        TuneImages ex = new TuneImages(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), h, w);
        for (DatasetFolder.Item it : data.items()) {
            if (it.categories().isEmpty()) {
                continue;
            }
            long first = it.categories().get(0);
            List<GroundTruthTargets.Target> t = gt.of(it.image()).stream().filter(x -> x.categoryId() == first).toList();
            if (t.isEmpty()) {
                continue; // no model class stands for it
            }
            List<PixelBox> boxes = new ArrayList<>();
            for (int b = 0; b < it.boxes().size(); b++) {
                if (it.categories().get(b) == first) {
                    boxes.add(it.boxes().get(b).resizedLikeWsol(it.width(), it.height(), w, h));
                }
            }
            ex.tensors().add(m.input().toTensor(Cv.read(it.image(), m.input().grey())));
            ex.targets().add(t);
            ex.boxes().add(boxes);
        }
        if (ex.tensors().isEmpty()) {
            throw BadInputException.of(data.dir(), "no image whose first labelled category has a model class ("
                    + data.categoryNames().size() + " categories; give --classes)");
        }
        return ex;
    }

    int size() {
        return tensors.size();
    }
}
