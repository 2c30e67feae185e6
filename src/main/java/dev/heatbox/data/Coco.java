package dev.heatbox.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The COCO JSON object model (boxes only): ground truth files and results lists. */
public final class Coco {
    private Coco() {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Dataset {
        /**
         * What pycocotools accepts but a Heatbox dataset must not have (an annotation naming no
         * image or category, a duplicated image, category or annotation id), one line each; not written.
         */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public List<String> problems = new ArrayList<>();
        public Map<String, Object> info;
        public List<Image> images = new ArrayList<>();
        public List<Annotation> annotations = new ArrayList<>();
        public List<Category> categories = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Image {
        public long id;
        public String file_name;
        public int width;
        public int height;

        public Image() {}

        public Image(long id, String fileName, int width, int height) {
            this.id = id;
            this.file_name = fileName;
            this.width = width;
            this.height = height;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Annotation {
        public long id;
        public long image_id;
        public long category_id;
        /** [x, y, w, h] in continuous pixel coordinates. */
        public double[] bbox;
        public Double area;
        public int iscrowd;
        /** Empty so that CVAT imports rectangles; only written when set. */
        public List<Object> segmentation;
        public Double score;
        public Map<String, Object> attributes;
        /**
         * The fields pycocotools reads that the file left out ("annotations[3].area"); empty when
         * complete or built in code. Defaults stand in for them; not written.
         */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public List<String> absent = List.of();

        public Annotation() {}

        public Annotation(long id, long imageId, long categoryId, double[] bbox) {
            this.id = id;
            this.image_id = imageId;
            this.category_id = categoryId;
            this.bbox = bbox;
            this.area = bbox[2] * bbox[3];
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Category {
        public long id;
        public String name;
        public String supercategory;

        public Category() {}

        public Category(long id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /** One entry of a results list, as pycocotools' loadRes takes it. */
    public static class Result {
        public long image_id;
        public long category_id;
        public double[] bbox;
        public double score;
        /** False where the file gave no score (score then reads 1); pycocotools needs one. Not written. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean scored = true;

        public Result() {}

        public Result(long imageId, long categoryId, double[] bbox, double score) {
            this.image_id = imageId;
            this.category_id = categoryId;
            this.bbox = bbox;
            this.score = score;
        }
    }

    public static Map<Long, String> categoryNames(Dataset d) {
        Map<Long, String> m = new LinkedHashMap<>();
        for (Category c : d.categories) {
            m.put(c.id, c.name);
        }
        return m;
    }
}
